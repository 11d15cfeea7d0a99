import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ImportStore } from '#functions/adapters/import-store.ts';
import { logger } from '#functions/runtime/logger.ts';
import { lambdaContext } from './lambda-context.ts';

/*
 * The import job queue and its event source mapping on the local hub: jobs (a landed file, as S3 notifies
 * it; an import to resume) are handed one at a time to the same worker handler as on AWS, as an SQS event.
 * A failed job is retried a few times, as SQS redelivers it. What was queued when the hub died is found again
 * on start-up: every import not finished yet is resumed (on AWS the queue keeps the job).
 */

type Worker = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** A worker invocation's time, as the deployed worker's timeout; jobs pause only when the hub stops. */
const INVOCATION_MS = 15 * 60_000;
const MAX_ATTEMPTS = 3;

export interface ImportRunner {
  /** Queues a job: the body of a message on the job queue. */
  enqueue(body: string): void;
  /** Resumes every import not finished yet (at start-up). */
  recover(): Promise<void>;
  /** Resolves once no job is queued or running. */
  drain(): Promise<void>;
  /** Ends the running invocation after its chunk in hand; queued jobs are left (and found by recover). */
  stop(): Promise<void>;
}

export function createImportRunner(options: { worker: Worker; imports: ImportStore }): ImportRunner {
  const queue: { body: string; attempts: number }[] = [];
  let running: Promise<void> | undefined;
  let stopping = false;

  const invoke = async (job: { body: string; attempts: number }) => {
    const record = { messageId: randomUUID(), body: job.body } as SQSRecord;
    const context = lambdaContext('import-worker', INVOCATION_MS);
    // Out of time once the hub stops: the worker pauses after its chunk, with its progress stored.
    const remaining = context.getRemainingTimeInMillis;
    context.getRemainingTimeInMillis = () => (stopping ? 0 : remaining());
    const response = await options.worker({ Records: [record] }, context);
    if (response.batchItemFailures.length > 0 && job.attempts + 1 < MAX_ATTEMPTS && !stopping) {
      await sleep(200 * (job.attempts + 1));
      queue.push({ body: job.body, attempts: job.attempts + 1 });
    }
  };
  const run = async () => {
    while (queue.length > 0 && !stopping) {
      const job = queue.shift();
      if (job)
        await invoke(job).catch((error: unknown) =>
          logger.error('import job failed', { error: error as Error }),
        );
    }
    running = undefined;
  };
  const enqueue = (body: string) => {
    if (stopping) return;
    queue.push({ body, attempts: 0 });
    running ??= run();
  };

  return {
    enqueue,
    async recover() {
      for (const importId of await options.imports.unfinished()) enqueue(JSON.stringify({ importId }));
    },
    async drain() {
      while (running) await running;
    },
    async stop() {
      stopping = true;
      await running;
    },
  };
}
