import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { importIdOfKey } from '../adapters/import-files.ts';
import { logger } from '../runtime/logger.ts';
import { type ImportWorkerDeps, runImport } from './run-import.ts';

/** The job queue: an import that ran out of time is queued again and goes on where it stopped. */
export interface ImportJobs {
  resume(importId: string): Promise<void>;
}

export interface ImportWorkerHandlerDeps extends ImportWorkerDeps {
  jobs: ImportJobs;
  /** Time kept back for the chunk in hand when deciding to pause. @default 60 s */
  reserveMs?: number;
}

/** A job: an S3 notification that a file landed (`uploads/<importId>`), or `{ "importId" }` to resume. */
export function importIdsOf(body: string): string[] {
  const message = JSON.parse(body) as {
    importId?: unknown;
    Records?: { s3?: { object?: { key?: string } } }[];
  };
  if (typeof message.importId === 'string') return [message.importId];
  // S3 event keys are URL-encoded (spaces as '+'); s3:TestEvent has no Records.
  return (message.Records ?? []).flatMap((record) => {
    const key = record.s3?.object?.key;
    const importId =
      key === undefined ? undefined : importIdOfKey(decodeURIComponent(key.replaceAll('+', ' ')));
    return importId === undefined ? [] : [importId];
  });
}

/**
 * The import worker, behind the job queue (SQS event source, partial batch responses): runs each named
 * import until it is finished or the invocation's time is nearly up, then queues it again.
 */
export function createImportWorker(deps: ImportWorkerHandlerDeps) {
  const reserveMs = deps.reserveMs ?? 60_000;
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        for (const importId of importIdsOf(record.body)) {
          const outcome = await runImport(
            importId,
            deps,
            () => context.getRemainingTimeInMillis() > reserveMs,
          );
          logger.info('import run', { importId, outcome });
          if (outcome === 'paused') await deps.jobs.resume(importId);
        }
      } catch (error) {
        logger.error('import run failed; the job is retried', { error: error as Error });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}
