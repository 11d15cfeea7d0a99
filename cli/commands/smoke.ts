import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { SMOKE_KIND, SMOKE_SUBMITTER_ID, SMOKE_SUBSCRIBER } from '#events/index.ts';
import { RecordStore } from '#functions/adapters/record-store.ts';
import { type CallerOptions, postRecords } from '../api-client.ts';
import { targetCommand } from '../command.ts';
import { EXIT, OperationError } from '../errors.ts';
import { table } from '../output.ts';
import { receive, release, remove } from '../queues.ts';
import { queuesOf, type Target } from '../target.ts';
import { positiveInteger } from './arguments.ts';

interface SmokeOptions {
  timeout: number;
  token?: string;
}

interface Hop {
  hop: string;
  what: string;
  /** Milliseconds since the request was sent; undefined when the hop was not reached. */
  at?: number;
}

/**
 * `hub smoke`: the check right after `cdk deploy`. Posts a rental property reported by the reserved smoke
 * submitter (its address names this run), follows it through API, store, stream and bus to the smoke
 * subscriber's own queue — department rules and the statistics leave smoke records out — reports each hop's
 * latency and removes the record, its history and its message. Exit 0 when every hop was reached in time.
 */
export function registerSmoke(program: Command): void {
  targetCommand(
    program,
    'smoke',
    'post a test record through API, store, stream and bus to the smoke queue, time each hop, clean up',
    (command) =>
      command
        .option('--timeout <seconds>', 'give up on a hop after this long', positiveInteger, 60)
        .option(
          '--token <jwt>',
          `bearer token of the ${SMOKE_SUBMITTER_ID} submitter (default: $HUB_TOKEN; on an IAM stage: SigV4)`,
        ),
    async (target, options: SmokeOptions) => {
      const run = randomUUID().slice(0, 8);
      const store = new RecordStore(target.dynamoDb, target.tableName);
      const deadline = Date.now() + options.timeout * 1000;
      const started = Date.now();
      const elapsed = () => Date.now() - started;
      const hops: Hop[] = [
        { hop: 'api', what: 'POST /v1/records accepted' },
        { hop: 'store', what: 'current record in the table' },
        { hop: 'stream', what: 'history entry written by the publisher' },
        { hop: 'bus', what: `message in the ${SMOKE_SUBSCRIBER} queue` },
      ];
      const reached = (index: number) => {
        const hop = hops[index];
        if (hop) hop.at = elapsed();
      };
      let recordId: string | undefined;
      try {
        recordId = await post(target, { as: SMOKE_SUBMITTER_ID, token: options.token }, run);
        reached(0);
        await until(deadline, async () => (await store.getRecord(recordId ?? '')) !== undefined);
        reached(1);
        await until(deadline, async () => (await store.getHistoryEntry(recordId ?? '', 1)) !== undefined);
        reached(2);
        await takeFromSmokeQueue(target, recordId, deadline);
        reached(3);
      } catch (error) {
        if (!(error instanceof OperationError)) throw error;
        console.error(`smoke ${run}: ${error.message}`);
      } finally {
        if (recordId !== undefined) await store.deleteRecord(recordId);
      }
      console.log(`smoke ${run} on the ${target.label} (record ${recordId ?? 'none'})`);
      console.log(
        table(
          ['hop', 'reached after', 'what'],
          hops.map((hop) => [hop.hop, hop.at === undefined ? 'not reached' : `${hop.at} ms`, hop.what]),
        ),
      );
      const passed = hops.every((hop) => hop.at !== undefined);
      console.log(passed ? 'smoke passed; its record and message are removed' : 'smoke FAILED');
      return passed ? EXIT.ok : EXIT.failed;
    },
  );
}

async function post(target: Target, caller: CallerOptions, run: string): Promise<string> {
  const body = JSON.stringify({
    records: [
      {
        kind: SMOKE_KIND,
        sourceId: `smoke-${run}`,
        data: {
          owner: { name: '部署冒烟测试', creditCode: '91330106MA2711111A' },
          address: { divisionCode: '330106', detail: `冒烟测试${run}` },
        },
      },
    ],
  });
  const response = await postRecords(target, body, caller);
  const answer = (await response.json().catch(() => ({}))) as {
    results?: { status: string; recordId?: string; errors?: { code: string }[] }[];
    code?: string;
  };
  const result = answer.results?.[0];
  if (response.status !== 200 || result?.status !== 'accepted' || result.recordId === undefined) {
    throw new OperationError(
      `the API did not accept the smoke record: HTTP ${response.status} ${answer.code ?? result?.status ?? ''} ` +
        `${(result?.errors ?? []).map((e) => e.code).join(', ')}`,
    );
  }
  return result.recordId;
}

async function until(deadline: number, check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) {
    if (Date.now() > deadline) throw new OperationError('timed out');
    await sleep(100);
  }
}

/** Waits for this run's message in the smoke queue and deletes it; other messages are left as they were. */
async function takeFromSmokeQueue(target: Target, recordId: string, deadline: number): Promise<void> {
  const { queueUrl } = queuesOf(target, SMOKE_SUBSCRIBER);
  for (;;) {
    const waitSeconds = Math.max(0, Math.min(5, Math.floor((deadline - Date.now()) / 1000)));
    const messages = await receive(target, queueUrl, { waitSeconds, visibilitySeconds: 30 });
    const ours = messages.filter((message) => JSON.parse(message.Body ?? '{}').recordId === recordId);
    await remove(target, queueUrl, ours);
    await release(
      target,
      queueUrl,
      messages.filter((message) => !ours.includes(message)),
    );
    if (ours.length > 0) return;
    if (Date.now() > deadline)
      throw new OperationError(`no message in the ${SMOKE_SUBSCRIBER} queue in time`);
  }
}
