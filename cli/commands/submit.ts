import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { postRecords } from '../api-client.ts';
import { targetCommand } from '../command.ts';
import { EXIT, OperationError, UsageError } from '../errors.ts';

interface SubmitOptions {
  as?: string;
  token?: string;
  idempotencyKey?: string;
}

interface RecordResult {
  index: number;
  sourceId?: string;
  status: 'accepted' | 'unchanged' | 'rejected';
  recordId?: string;
  version?: number;
  errors: { path: string; code: string }[];
}

/**
 * `hub submit FILE.json`: posts a submission (`{ "records": [...] }`) to `POST /v1/records` and prints one line
 * per record (status, record id and version, or each error's path and code: never a submitted value).
 */
export function registerSubmit(program: Command): void {
  targetCommand(
    program,
    'submit',
    'post a submission file ({"records":[…]}) to POST /v1/records; exit 1 if a record is rejected',
    (command) =>
      command
        .argument('<file>', 'JSON file with the request body')
        .option('--as <submitter>', 'local hub: submit with this sample submitter’s token')
        .option(
          '--token <jwt>',
          'bearer token (default: $HUB_TOKEN; on a stack without one: SigV4 with your AWS credentials)',
        )
        .option('--idempotency-key <key>', 'send an Idempotency-Key header'),
    async (target, options: SubmitOptions, file = '') => {
      let body: string;
      try {
        body = await readFile(file, 'utf8');
      } catch {
        throw new UsageError(`cannot read ${file}`);
      }
      const response = await postRecords(
        target,
        body,
        options,
        options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey },
      );
      const answer = (await response.json().catch(() => ({}))) as {
        results?: RecordResult[];
        summary?: Record<string, number>;
        code?: string;
        detail?: string;
      };
      if (response.status !== 200 || answer.results === undefined) {
        throw new OperationError(
          `HTTP ${response.status} ${answer.code ?? ''}: ${answer.detail ?? 'no results'}`,
        );
      }
      for (const result of answer.results) {
        const where = `#${result.index}${result.sourceId === undefined ? '' : ` ${result.sourceId}`}`;
        if (result.status === 'rejected') {
          console.log(`${where} rejected ${result.errors.map((e) => `${e.path} ${e.code}`).join(', ')}`);
        } else {
          console.log(`${where} ${result.status} ${result.recordId} v${result.version}`);
        }
      }
      const summary = answer.summary ?? {};
      console.log(
        `accepted ${summary.accepted ?? 0}, unchanged ${summary.unchanged ?? 0}, rejected ${summary.rejected ?? 0}`,
      );
      return (summary.rejected ?? 0) > 0 ? EXIT.failed : EXIT.ok;
    },
  );
}
