import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_CONTENT_TYPE } from '#api/import-api.ts';
import { FLOW_SHARDS, FlowCounter } from '#functions/adapters/flow-counter.ts';
import { ImportStore } from '#functions/adapters/import-store.ts';
import { LateReportCounter } from '#functions/adapters/late-report-counter.ts';
import type { WatchedQueue } from '#functions/adapters/queue-monitor.ts';
import { RecordStore } from '#functions/adapters/record-store.ts';
import type { Submitter } from '#functions/http/submitter.ts';
import type { SubmitterContext } from '#functions/http/submitter-context.ts';
import { type SubmitDeps, submitRecords } from '#functions/ingest/submit.ts';
import { createOperationsHandler } from '#functions/operations/handler.ts';
import { derivedConfig } from '#functions/runtime/derived-config.ts';
import { DeliveryMeter } from '#local/delivery-meter.ts';
import { ensureTable, localDynamoDbClient, localSqsClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { createQueues, type SqsEmulator, startSqs } from '#local/emulators/sqs.ts';
import { IMPORTS_TABLE, RECORDS_TABLE } from '#local/emulators/table-definition.ts';
import { lambdaContext } from '#local/lambda-context.ts';
import { LocalQueueMonitor } from '#local/queue-monitor.ts';
import { employment, registration } from '../../helpers/derived-world.ts';
import { httpEvent } from '../../helpers/query-event.ts';
import { idNumberFor } from '../../helpers/sample-people.ts';

// 2025-09-10 10:00:30 in China (02:00:30 UTC): a move-in on 2025-09-01 is six days late.
const NOW = new Date('2025-09-10T02:00:30Z');
const LANDLORD: Submitter = { submitterId: 'landlord-ops', role: 'landlord' };
const EMPLOYER: Submitter = { submitterId: 'employer-ops', role: 'employer' };
const OFFICE = { sub: 'province-office', role: 'department', department: 'public-security', audit: 'all' };
const HEALTH_AUDITOR = { sub: 'health-dpo', role: 'department', department: 'health', audit: 'true' };
const HEALTH_DESK = { sub: 'health-desk', role: 'department', department: 'health' };

let dynamo: DynamoDbEmulator;
let sqs: SqsEmulator;
let client: DynamoDBClient;
let sqsClient: SQSClient;
let flow: FlowCounter;
let imports: ImportStore;
let queues: WatchedQueue[];
let handler: ReturnType<typeof createOperationsHandler>;
const clock = { now: NOW };

beforeAll(async () => {
  [dynamo, sqs] = await Promise.all([startDynamoDb(), startSqs()]);
  client = localDynamoDbClient(dynamo.endpoint);
  sqsClient = localSqsClient(sqs.endpoint);
  await Promise.all([ensureTable(client, RECORDS_TABLE), ensureTable(client, IMPORTS_TABLE)]);
  imports = new ImportStore(client, IMPORTS_TABLE.tableName);
  const created = await createQueues(sqs.endpoint, ['health', 'hrss'], {});
  queues = (['health', 'hrss'] as const).map((name) => ({
    name,
    department: name,
    queueUrl: created[name]?.queueUrl ?? '',
    deadLetterQueueUrl: created[name]?.deadLetterQueueUrl ?? '',
    oldestMessageAlarmSeconds: 3600,
  }));
  flow = new FlowCounter(client, RECORDS_TABLE.tableName);
  const lateReports = new LateReportCounter(client, RECORDS_TABLE.tableName);
  const deps: SubmitDeps = {
    store: new RecordStore(client, RECORDS_TABLE.tableName),
    personKeySecret: 'ops-secret',
    now: () => NOW,
    lateReports: { config: derivedConfig({}).lateReport, counter: lateReports },
    flow: [flow],
  };
  const id = (n: number) => idNumberFor('341222', '1990-01-01', n);
  const badId = `${id(1).slice(0, 17)}${id(1).endsWith('0') ? '1' : '0'}`;
  // Two late registrations, one on time, one with a wrong check digit, then the first one again (unchanged).
  await submitRecords(
    [registration(id(1), '2025-09-01'), registration(id(2), '2025-09-02'), registration(id(3), '2025-09-09')],
    LANDLORD,
    deps,
  );
  await submitRecords([registration(badId, '2025-09-09'), registration(id(1), '2025-09-01')], LANDLORD, deps);
  await submitRecords([employment(id(4), '2025-08-01')], EMPLOYER, deps);
  const meter = new DeliveryMeter(() => clock.now.getTime());
  meter.delivered(queues[0]?.queueUrl ?? '', 3);
  handler = createOperationsHandler({
    flow,
    lateReports,
    imports,
    queues,
    monitor: new LocalQueueMonitor(sqsClient, sqs.endpoint, meter),
    now: () => clock.now,
  });
});

afterAll(async () => {
  sqsClient?.destroy();
  await Promise.all([dynamo?.close(), sqs?.close()]);
});

const get = async (path: string, claims: Record<string, string>, query?: Record<string, string>) => {
  const response = await handler(
    httpEvent({ method: 'GET', path, claims, ...(query ? { query } : {}) }),
    lambdaContext('operations') as SubmitterContext,
  );
  return { status: response.statusCode, body: JSON.parse(response.body ?? 'null') };
};

describe('GET /v1/flow', () => {
  it('answers every minute of the last hour, the records of each batch by status, and the rejection codes', async () => {
    const { status, body } = await get('/v1/flow', HEALTH_DESK);

    expect(status).toBe(200);
    expect(body.from).toBe('2025-09-10T01:01Z');
    expect(body.to).toBe('2025-09-10T02:00Z');
    expect(body.minutes).toHaveLength(60);
    expect(body.minutes.at(-1)).toEqual({
      minute: '2025-09-10T02:00Z',
      accepted: 4,
      unchanged: 1,
      rejected: 1,
    });
    expect(
      body.minutes
        .slice(0, -1)
        .every((m: { accepted: number; rejected: number }) => m.accepted + m.rejected === 0),
    ).toBe(true);
    expect(body.totals).toEqual({ accepted: 4, unchanged: 1, rejected: 1 });
    expect(body.rejectionCodes).toEqual([
      {
        code: 'ID_NUMBER_CHECKSUM',
        records: 1,
        message: {
          en: 'Resident ID number fails the GB 11643 check character; check for a mistyped digit.',
          zh: '公民身份号码校验码错误（GB 11643），请检查是否有数字输错。',
        },
      },
    ]);
  });

  it('sums the shards of a minute and reads a window across midnight', async () => {
    for (let shard = 0; shard < FLOW_SHARDS; shard += 1) {
      const pinned = new FlowCounter(client, RECORDS_TABLE.tableName, () => shard);
      await pinned.add(new Date('2025-09-08T23:59:10Z'), {
        accepted: 1,
        unchanged: 0,
        rejected: 0,
        codes: new Map(),
      });
      await pinned.add(new Date('2025-09-09T00:00:50Z'), {
        accepted: 0,
        unchanged: 0,
        rejected: 2,
        codes: new Map([['DATE_IN_FUTURE', 2]]),
      });
    }

    const { body } = await get('/v1/flow', HEALTH_DESK, {
      from: '2025-09-08T23:59:00Z',
      to: '2025-09-09T00:00:59Z',
    });

    expect(body.minutes).toEqual([
      { minute: '2025-09-08T23:59Z', accepted: FLOW_SHARDS, unchanged: 0, rejected: 0 },
      { minute: '2025-09-09T00:00Z', accepted: 0, unchanged: 0, rejected: 2 * FLOW_SHARDS },
    ]);
    expect(body.rejectionCodes).toMatchObject([{ code: 'DATE_IN_FUTURE', records: 2 * FLOW_SHARDS }]);
  });

  it('refuses a window longer than a day or backwards (400), and callers who are not departments (403)', async () => {
    expect(
      (await get('/v1/flow', HEALTH_DESK, { from: '2025-09-08T00:00:00Z', to: '2025-09-09T00:00:00Z' }))
        .status,
    ).toBe(400);
    expect(
      (await get('/v1/flow', HEALTH_DESK, { from: '2025-09-09T00:00:00Z', to: '2025-09-08T00:00:00Z' }))
        .status,
    ).toBe(400);
    expect((await get('/v1/flow', { sub: 'landlord-x', role: 'landlord' })).status).toBe(403);
  });
});

describe('GET /v1/late-reports', () => {
  it('lists who reported late today, most late reports first, by kind', async () => {
    const { status, body } = await get('/v1/late-reports', OFFICE);

    expect(status).toBe(200);
    expect(body).toEqual({
      from: '2025-09-04',
      to: '2025-09-10',
      submitters: [
        {
          submitterId: 'landlord-ops',
          role: 'landlord',
          lateReports: 2,
          byKind: { 'residence-registration': 2 },
        },
        { submitterId: 'employer-ops', role: 'employer', lateReports: 1, byKind: { employment: 1 } },
      ],
    });
  });

  it('keeps to the days asked for and the limit', async () => {
    expect(
      (await get('/v1/late-reports', OFFICE, { from: '2025-09-01', to: '2025-09-09' })).body.submitters,
    ).toEqual([]);
    expect((await get('/v1/late-reports', OFFICE, { limit: '1' })).body.submitters).toHaveLength(1);
    expect((await get('/v1/late-reports', OFFICE, { from: '2025-01-01', to: '2025-09-10' })).status).toBe(
      400,
    );
  });

  it('names submitters only to a caller with an audit right', async () => {
    const { status, body } = await get('/v1/late-reports', HEALTH_DESK);

    expect(status).toBe(403);
    expect(body.detail).toBe('Listing late reporters needs an audit right (claim "audit").');
  });
});

describe('GET /v1/import-activity', () => {
  const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();
  /** An import asked for `createdSecondsAgo` before NOW, by a landlord, as POST /v1/imports stores it. */
  const importOf = async (importId: string, createdSecondsAgo: number) => {
    await imports.create({
      importId,
      kind: 'residence-registration',
      submitterId: `landlord-${importId}`,
      role: 'landlord',
      contentType: CSV_CONTENT_TYPE,
      fileKey: `uploads/${importId}`,
      requestHash: importId,
      createdAt: ago(createdSecondsAgo),
    });
  };

  beforeAll(async () => {
    // running: 500 of 1,000 rows in the 100 s since it started; queued: waiting for its file.
    await importOf('running', 600);
    await imports.start('running', 1000, ago(100));
    await imports.advance('running', 0, 500, { accepted: 480, unchanged: 10, rejected: 10 });
    await importOf('queued', 60);
    // Finished 3 hours ago (the UTC day before NOW's), and 25 hours ago (NOW's UTC day, but too long ago).
    await importOf('done', 4 * 3600);
    await imports.start('done', 2, ago(3 * 3600 + 4));
    await imports.advance('done', 0, 2, { accepted: 1, unchanged: 0, rejected: 1 });
    await imports.finish('done', ago(3 * 3600));
    await importOf('failed', 3600);
    await imports.finish('failed', ago(1800), {
      type: 'urn:residence-data-hub:problem:file-empty',
      title: 'The file holds no data rows',
      status: 422,
      code: 'FILE_EMPTY',
    });
    await importOf('long-ago', 26 * 3600);
    await imports.finish('long-ago', ago(25 * 3600));
  });

  it('lists the imports running, queued and finished in the last day, with their rate and time left', async () => {
    const { status, body } = await get('/v1/import-activity', OFFICE);

    expect(status).toBe(200);
    expect(body.at).toBe(NOW.toISOString());
    expect(body.finishedSince).toBe(ago(24 * 3600));
    expect(body.imports).toEqual([
      {
        importId: 'running',
        kind: 'residence-registration',
        submitterId: 'landlord-running',
        role: 'landlord',
        status: 'running',
        total: 1000,
        processed: 500,
        accepted: 480,
        unchanged: 10,
        rejected: 10,
        createdAt: ago(600),
        startedAt: ago(100),
        finishedAt: null,
        failureCode: null,
        rowsPerSecond: 5,
        etaSeconds: 100,
      },
      expect.objectContaining({ importId: 'queued', status: 'queued', total: null, rowsPerSecond: null }),
      expect.objectContaining({
        importId: 'failed',
        status: 'failed',
        failureCode: 'FILE_EMPTY',
        etaSeconds: null,
      }),
      expect.objectContaining({ importId: 'done', status: 'done', processed: 2, rowsPerSecond: 0.5 }),
    ]);
  });

  it('takes an audit right: it names importers', async () => {
    expect((await get('/v1/import-activity', HEALTH_AUDITOR)).body.imports).toHaveLength(4);
    expect((await get('/v1/import-activity', HEALTH_DESK)).status).toBe(403);
  });

  it('resumes the unfinished imports from the same index', async () => {
    expect((await imports.unfinished()).sort()).toEqual(['queued', 'running']);
  });
});

describe('GET /v1/subscribers', () => {
  it("reads each queue's depth, oldest message, dead letters and deliveries, and marks the one in trouble", async () => {
    const send = (queueUrl: string, n: number) =>
      sqsClient.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Array.from({ length: n }, (_, i) => ({ Id: `m${i}`, MessageBody: `{"i":${i}}` })),
        }),
      );
    await send(queues[0]?.queueUrl ?? '', 2);
    await send(queues[1]?.deadLetterQueueUrl ?? '', 1);
    // Two hours on: health's oldest message is older than its alarm threshold.
    clock.now = new Date(Date.now() + 2 * 3_600_000);

    const { status, body } = await get('/v1/subscribers', OFFICE);
    clock.now = NOW;

    expect(status).toBe(200);
    expect(body.subscribers).toMatchObject([
      {
        name: 'health',
        department: 'health',
        queue: { messages: 2, inFlight: 0 },
        deadLetterQueue: { messages: 0 },
        oldestMessageAlarmSeconds: 3600,
        state: 'backlog',
      },
      {
        name: 'hrss',
        queue: { messages: 0, inFlight: 0, oldestMessageAgeSeconds: null },
        deadLetterQueue: { messages: 1 },
        deliveredLastHour: 0,
        state: 'dead-letters',
      },
    ]);
    expect(body.subscribers[0].queue.oldestMessageAgeSeconds).toBeGreaterThan(3600);
  });

  it("shows a department's own auditor its own subscribers only, and nobody without an audit right", async () => {
    const own = await get('/v1/subscribers', HEALTH_AUDITOR);

    expect(own.body.subscribers.map((s: { name: string }) => s.name)).toEqual(['health']);
    expect((await get('/v1/subscribers', HEALTH_DESK)).status).toBe(403);
  });

  it('counts the deliveries of the last hour', async () => {
    const { body } = await get('/v1/subscribers', OFFICE);

    expect(body.subscribers[0].deliveredLastHour).toBe(3);
  });
});

describe('GET /v1/divisions', () => {
  it('lists the provinces, a city’s counties, and nothing below a county', async () => {
    const provinces = await get('/v1/divisions', HEALTH_DESK);
    const hangzhou = await get('/v1/divisions', HEALTH_DESK, { code: '330100' });
    const xihu = await get('/v1/divisions', HEALTH_DESK, { code: '330106' });

    expect(provinces.body.division).toBeNull();
    expect(provinces.body.children).toContainEqual({ code: '330000', name: '浙江省', level: 'province' });
    expect(hangzhou.body.division).toEqual({ code: '330100', name: '杭州市', level: 'city' });
    expect(hangzhou.body.children).toContainEqual({ code: '330106', name: '西湖区', level: 'county' });
    expect(xihu.body).toEqual({
      division: { code: '330106', name: '西湖区', level: 'county' },
      children: [],
    });
  });

  it('refuses a code not in the list', async () => {
    expect((await get('/v1/divisions', HEALTH_DESK, { code: '330199' })).status).toBe(400);
  });
});
