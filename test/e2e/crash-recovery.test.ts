import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { changeOf, compileSubscription, detailTypeOf, SOURCE, SUBSCRIPTIONS } from '#events/index.ts';
import { matchesPattern } from '#events/pattern.ts';
import { LOCAL_CREDENTIALS, localSqsClient } from '#local/emulators/clients.ts';
import { takeAllMessages } from '#local/queue-tools.ts';
import { type HubProcess, startHubProcess } from '../helpers/hub-process.ts';
import { idNumberFor } from '../helpers/sample-people.ts';

// `kill -9` of `npm start -- --data-dir DIR` in the middle of a load, a restart on the same DIR, and the
// client retrying what got no answer with the same Idempotency-Key: every stored version still reaches
// every department queue that subscribes to it (at least once).

const REQUESTS = 24;
const RECORDS_PER_REQUEST = 25;
const IN_FLIGHT = 4;
/** The hub is killed once this many requests have been answered: mid-load, with requests in flight. */
const KILL_AFTER_ANSWERS = 8;
const SUBMITTER = 'dept-public-security-xihu';

interface RecordResult {
  status: string;
  sourceId: string;
  recordId?: string;
  version?: number;
}

const requests = Array.from({ length: REQUESTS }, (_, request) => ({
  key: `crash-load-${request}`,
  body: JSON.stringify({
    records: Array.from({ length: RECORDS_PER_REQUEST }, (_, index) => {
      const n = request * RECORDS_PER_REQUEST + index;
      return {
        kind: 'residence-registration',
        sourceId: `crash-${n}`,
        data: {
          person: { idNumber: idNumberFor('330106', `19${80 + (n % 20)}-05-17`, n % 997), name: '陈静' },
          address: { divisionCode: '330106', detail: `文三路${n}号` },
          residenceType: 'rented',
          movedInOn: '2024-07-01',
        },
      };
    }),
  }),
}));

async function post(hub: HubProcess, request: (typeof requests)[number]) {
  const response = await fetch(`${hub.endpoints.apiUrl}/v1/records`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${hub.endpoints.tokens[SUBMITTER]}`,
      'content-type': 'application/json',
      'Idempotency-Key': request.key,
    },
    body: request.body,
  });
  return {
    status: response.status,
    body: (await response.json()) as { results?: RecordResult[]; code?: string },
  };
}

/** Runs `work` over the items, IN_FLIGHT at a time, in order. */
async function inFlight<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

/** Which departments' rules take a record's change event (the compiled catalogue, as the bus applies it). */
function subscribersOf(kind: 'residence-registration', version: number, divisionCode: string): string[] {
  const event = {
    source: SOURCE,
    'detail-type': detailTypeOf(kind, changeOf({ version })),
    // Any submitter but the smoke test's reaches the department rules.
    detail: { divisionCode, submittedBy: { submitterId: 'crash-test' } },
  };
  return SUBSCRIPTIONS.filter((subscription) =>
    compileSubscription(subscription).some((rule) => matchesPattern(rule.eventPattern, event)),
  ).map((subscription) => subscription.name);
}

let dataDir: string | undefined;
let restarted: HubProcess | undefined;

afterAll(async () => {
  await restarted?.kill(); // nothing of it is needed any more; a graceful stop would wait for every derivation
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('a kill -9 during a load, with --data-dir', () => {
  it('publishes every stored version to every subscribing queue after a restart', {
    timeout: 120_000,
  }, async () => {
    // Prepare: a hub keeping its data, loaded 4 requests at a time, killed after some answers
    dataDir = await mkdtemp(join(tmpdir(), 'hub-crash-'));
    const first = await startHubProcess(['--data-dir', dataDir]);
    const answers = new Map<string, RecordResult[]>();
    let killing: Promise<void> | undefined;
    await inFlight(requests, async (request) => {
      if (killing) return;
      try {
        const answer = await post(first, request);
        if (answer.status === 200) answers.set(request.key, answer.body.results ?? []);
      } catch {
        return; // the hub died under this request: no answer
      }
      if (answers.size >= KILL_AFTER_ANSWERS) killing ??= first.kill();
    });
    await killing;
    const unanswered = requests.filter((request) => !answers.has(request.key));

    // Act: restart on the same data, retry what got no answer with the same keys, let the hub settle
    restarted = await startHubProcess(['--data-dir', dataDir]);
    const hub = restarted;
    // A request the kill interrupted holds its key until its timeout has passed (409): retried each second.
    let pending = unanswered;
    for (let round = 0; pending.length > 0 && round < 60; round += 1) {
      if (round > 0) await sleep(1_000);
      const inProgress: typeof requests = [];
      await inFlight(pending, async (request) => {
        const answer = await post(hub, request);
        if (answer.status === 200) answers.set(request.key, answer.body.results ?? []);
        else if (answer.body.code === 'IDEMPOTENCY_IN_FLIGHT') inProgress.push(request);
        else throw new Error(`retry answered ${answer.status} ${answer.body.code}`);
      });
      pending = inProgress;
    }
    const dynamoDb = new DynamoDBClient({
      endpoint: hub.endpoints.dynamodbEndpoint,
      region: hub.endpoints.region,
      credentials: LOCAL_CREDENTIALS,
    });
    const stored: { recordId: string; version: number; divisionCode: string }[] = [];
    for await (const page of paginateScan(
      { client: dynamoDb },
      {
        TableName: hub.endpoints.tableName,
        FilterExpression: 'sk = :record',
        ExpressionAttributeValues: { ':record': { S: 'RECORD' } },
      },
    )) {
      for (const item of page.Items ?? []) stored.push(unmarshall(item) as (typeof stored)[number]);
    }
    dynamoDb.destroy();
    const expected = stored.flatMap(({ recordId, version, divisionCode }) =>
      subscribersOf('residence-registration', version, divisionCode).map((department) => ({
        department,
        id: `${recordId}:${version}`,
      })),
    );
    // What each queue received, read until all that is expected is there (or for at most a minute): the
    // hub's settle would also wait for every derivation, which this test does not need.
    const sqs = localSqsClient(hub.endpoints.sqsEndpoint);
    const delivered = new Map(
      Object.keys(hub.endpoints.queues).map((department) => [department, new Set<string>()]),
    );
    const missing = () => expected.filter(({ department, id }) => !delivered.get(department)?.has(id));
    for (let round = 0; missing().length > 0 && round < 120; round += 1) {
      if (round > 0) await sleep(500);
      for (const [department, queueUrl] of Object.entries(hub.endpoints.queues)) {
        for (const message of await takeAllMessages(sqs, queueUrl)) {
          const { recordId, version } = JSON.parse(message.Body ?? '{}') as {
            recordId: string;
            version: number;
          };
          delivered.get(department)?.add(`${recordId}:${version}`);
        }
      }
    }
    sqs.destroy();

    // Assess
    expect(unanswered.length).toBeGreaterThan(0);
    const results = [...answers.values()].flat();
    expect(answers.size).toBe(REQUESTS);
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    const acknowledged = new Set(results.map((result) => `${result.recordId}:${result.version}`));
    expect(stored).toHaveLength(REQUESTS * RECORDS_PER_REQUEST);
    expect(stored.filter(({ recordId, version }) => !acknowledged.has(`${recordId}:${version}`))).toEqual([]);
    expect(new Set(expected.map(({ department }) => department)).size).toBeGreaterThan(1);
    expect(missing()).toEqual([]);
  });
});
