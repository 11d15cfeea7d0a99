import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordStore } from '#functions/adapters/record-store.ts';
import { localDynamoDbClient, localSqsClient } from '#local/emulators/clients.ts';
import { settleHub, takeAllMessages } from '#local/queue-tools.ts';
import { type HubProcess, startHubProcess } from '../helpers/hub-process.ts';
import { idNumberFor } from '../helpers/sample-people.ts';

/*
 * Subscriber operations on a running local hub: city subscribers, and the `hub` command's operations against
 * it. One hub for the file; each test uses people of its own.
 */

const CITY = 'public-security@3301';
const COUNTY = 'health@330106';
const SMOKE = 'smoke';

let hub: HubProcess;
let sqs: SQSClient;

beforeAll(async () => {
  const config = join(tmpdir(), `hub-config-${process.pid}.json`);
  await writeFile(config, JSON.stringify({ subscribers: [CITY, COUNTY] }));
  hub = await startHubProcess(['--config', config]);
  sqs = localSqsClient(hub.endpoints.sqsEndpoint);
});

afterAll(async () => {
  sqs?.destroy();
  expect(await hub?.stop()).toBe(0);
});

let nextSequence = 101;
/** A residence registration of a new person in a county. */
function registration(county: string, detail = '文三路90号3幢2单元301室') {
  nextSequence += 2;
  const idNumber = idNumberFor('410527', '1990-01-01', nextSequence);
  return {
    kind: 'residence-registration',
    sourceId: `REG-${idNumber.slice(-6)}`,
    data: {
      person: { idNumber, name: '王测试', gender: 'male' },
      address: { divisionCode: county, detail },
      residenceType: 'rented',
      movedInOn: '2026-11-20',
    },
  };
}

async function submit(
  records: unknown[],
): Promise<Array<{ status: string; recordId: string; version: number }>> {
  const response = await fetch(`${hub.endpoints.apiUrl}/v1/records`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${hub.endpoints.tokens['dept-public-security-xihu']}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ records }),
  });
  const body = (await response.json()) as {
    results: Array<{ status: string; recordId: string; version: number }>;
  };
  expect(
    body.results.map((result) => result.status),
    JSON.stringify(body),
  ).toEqual(records.map(() => 'accepted'));
  return body.results;
}

/** Everything in a subscriber's queue once the hub has delivered all it stored, taken out. */
async function drained(subscriber: string): Promise<Array<Record<string, unknown>>> {
  await settleHub(hub.endpoints.apiUrl);
  const messages = await takeAllMessages(sqs, hub.endpoints.queues[subscriber] ?? '');
  return messages.map((message) => JSON.parse(message.Body ?? '{}'));
}

/** Runs the operator command against the test's hub, as an operator would: `npm run hub -- ARGS`. */
function hubCommand(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['cli/main.ts', ...args, '--endpoints', join(hub.stateDir, 'endpoints.json')],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

const empty = async (...subscribers: string[]) => {
  for (const subscriber of subscribers) await drained(subscriber);
};

describe('city and county subscribers', () => {
  it("receive only their jurisdiction's records, with their department's projection", async () => {
    // Prepare
    await empty('public-security', 'health', CITY, COUNTY);
    const [xihu, binjiang, ningbo] = await submit([
      registration('330106'),
      registration('330108'),
      registration('330203'),
    ]);

    // Act
    const province = await drained('public-security');
    const city = await drained(CITY);
    const county = await drained(COUNTY);
    const health = await drained('health');

    // Assess
    const ids = (messages: Array<Record<string, unknown>>) =>
      messages.map((message) => message.recordId).sort();
    expect(ids(province)).toEqual([xihu?.recordId, binjiang?.recordId, ningbo?.recordId].sort());
    expect(ids(city)).toEqual([xihu?.recordId, binjiang?.recordId].sort());
    expect(ids(county)).toEqual([xihu?.recordId]);
    expect(Object.keys(city[0] ?? {}).sort()).toEqual(Object.keys(province[0] ?? {}).sort());
    expect(Object.keys(county[0] ?? {}).sort()).toEqual(Object.keys(health[0] ?? {}).sort());
    expect((county[0]?.record as Record<string, unknown>)?.person).not.toHaveProperty('idNumber');
  });
});

describe('the hub command', () => {
  it('reports every subscriber with its queue depths', async () => {
    await empty(CITY);
    await submit([registration('330106')]);
    await settleHub(hub.endpoints.apiUrl);

    const { code, stdout } = await hubCommand('status', '--json');

    expect(code).toBe(0);
    const status = JSON.parse(stdout) as { subscribers: Array<Record<string, unknown>> };
    expect(status.subscribers.map((row) => row.subscriber)).toEqual(Object.keys(hub.endpoints.queues));
    expect(status.subscribers.find((row) => row.subscriber === CITY)).toMatchObject({
      waiting: 1,
      deadLetters: 0,
    });
  });

  it('answers bad arguments with a one-line error and exit code 2, help with 0', async () => {
    const unknownSubscriber = await hubCommand('tail', 'police@3301');
    const badOption = await hubCommand('status', '--bogus');
    const help = await hubCommand('tail', '--help');

    expect(unknownSubscriber.code).toBe(2);
    expect(unknownSubscriber.stderr).toMatch(/^error: no subscriber "police@3301"/);
    expect(unknownSubscriber.stderr).toContain('Usage: npm run hub -- tail');
    expect(badOption.code).toBe(2);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run hub -- tail');
  });

  it('tails a queue masked and leaves the messages in place', async () => {
    const [record] = await submit([registration('330106')]);
    await settleHub(hub.endpoints.apiUrl);

    const { code, stdout } = await hubCommand('tail', COUNTY, '--idle', '1');

    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const printed = lines.find((line) => line.recordId === record?.recordId);
    expect(printed.record.person.name).toBe('王**');
    expect(stdout).not.toContain('王测试');
    expect((await drained(COUNTY)).map((message) => message.recordId)).toContain(record?.recordId);
  });
});

/** The highest version per record among messages, as a consumer keeps it. */
const highest = (messages: Array<Record<string, unknown>>): Map<string, number> => {
  const versions = new Map<string, number>();
  for (const { recordId, version } of messages as Array<{ recordId: string; version: number }>) {
    versions.set(recordId, Math.max(versions.get(recordId) ?? 0, version));
  }
  return versions;
};

describe('backfill', () => {
  it('gives a purged subscriber every current record again, as the live events were, newest version kept', async () => {
    // Prepare: three Hangzhou records reach the city queue live, then the queue loses them.
    const records = [
      registration('330106', '文一路1号'),
      registration('330108', '江南大道2号'),
      registration('330106', '文二路3号'),
    ];
    const results = await submit(records);
    const live = (await drained(CITY)).filter((m) => results.some((r) => r.recordId === m.recordId));
    expect(live).toHaveLength(3);
    const [first] = records;
    const updated = { ...first, data: { ...first?.data, residenceType: 'owned' } };

    // Act: the backfill runs while the first record is updated.
    const [backfill] = await Promise.all([
      hubCommand('backfill', CITY, '--segments', '2'),
      submit([updated]),
    ]);

    // Assess
    expect(backfill.code, backfill.stderr).toBe(0);
    expect(backfill.stdout).toMatch(
      /^backfill public-security@3301: \d+ records to the public-security@3301 queue, 0 not sent/,
    );
    const received = await drained(CITY);
    const versions = highest(received);
    expect(versions.get(results[0]?.recordId ?? '')).toBe(2);
    expect(versions.get(results[1]?.recordId ?? '')).toBe(1);
    expect(versions.get(results[2]?.recordId ?? '')).toBe(1);
    // Delivery is unordered: the records not updated are matched by id, not by their place in the live batch.
    for (const message of live.filter((m) => m.recordId !== results[0]?.recordId))
      expect(received).toContainEqual(message);
    expect(received.every((m) => m.id === `${m.recordId}:${m.version}`)).toBe(true);
    expect(received.filter((m) => String(m.divisionCode).startsWith('3301') === false)).toEqual([]);
  });

  it('writes the projection to a file instead, headed by the moment the queue continues from', async () => {
    const [record] = await submit([registration('330106', '文三路4号')]);
    const file = join(hub.stateDir, 'snapshot.ndjson');

    const { code } = await hubCommand(
      'backfill',
      COUNTY,
      '--to-file',
      file,
      '--kinds',
      'residence-registration',
    );

    expect(code).toBe(0);
    const [header, ...lines] = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(header).toMatchObject({ snapshotOf: COUNTY, queueUrl: hub.endpoints.queues[COUNTY] });
    expect(Date.parse(header.liveFrom)).not.toBeNaN();
    expect(lines.map((line) => line.recordId)).toContain(record?.recordId);
    expect(lines.every((line) => line.record.person.idNumber === undefined)).toBe(true);
  });
});

describe('dead letters', () => {
  it('lists what a failing consumer left, moves it back with redrive, and logs the counts', async () => {
    // Prepare: a consumer that fails the county office's message past maxReceiveCount (5).
    await empty(COUNTY);
    const [record] = await submit([registration('330106', '文四路5号')]);
    await settleHub(hub.endpoints.apiUrl);
    for (let receives = 0; receives < 6; receives += 1) {
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: hub.endpoints.queues[COUNTY],
          VisibilityTimeout: 0,
          WaitTimeSeconds: 1,
        }),
      );
    }

    // Act
    const listed = await hubCommand('dlq', COUNTY, '--json');
    const redriven = await hubCommand('redrive', COUNTY, '--max-per-second', '50');
    const log = await hubCommand('deliveries', COUNTY, '--json');

    // Assess
    expect(listed.code).toBe(0);
    const [letter, ...more] = listed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(more).toEqual([]);
    expect(letter).toMatchObject({
      cause: 'consumer',
      reason: 'maxReceiveCount',
      eventType: 'ResidenceRegistration.Created',
      version: 1,
    });
    expect(letter.receiveCount).toBeGreaterThanOrEqual(5);
    expect(record?.recordId.startsWith(letter.recordId.replace('…', ''))).toBe(true);
    expect(letter.recordId).not.toBe(record?.recordId);
    expect(listed.stdout).not.toContain('王');
    expect(redriven).toMatchObject({
      code: 0,
      stdout: `redrive ${COUNTY}: 1 moved back to its queue, 0 left in the dead-letter queue\n`,
    });
    expect((await drained(COUNTY)).map((m) => m.recordId)).toEqual([record?.recordId]);
    const { totals } = JSON.parse(log.stdout);
    expect(totals.redriven).toBe(1);
    expect(totals.delivered).toBeGreaterThanOrEqual(1);
    expect(totals.backfilled).toBeGreaterThanOrEqual(1);
  });
});

describe('replay', () => {
  it('sends the events of a time range again to the named subscriber only, marked and with their ids', async () => {
    // Prepare
    const from = new Date(Date.now() - 1000).toISOString();
    const results = await submit([registration('330106', '文五路6号'), registration('330203', '中山路7号')]);
    const to = new Date(Date.now() + 1000).toISOString();
    const others = ['public-security', 'health', COUNTY];
    const live = await drained(CITY);
    await empty(...others);

    // Act
    const { code, stdout } = await hubCommand(
      'replay',
      CITY,
      '--from',
      from,
      '--to',
      to,
      '--name',
      'e2e-replay',
    );

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/^replay e2e-replay: \d+ events to public-security@3301/);
    const replayed = await drained(CITY);
    const hangzhou = live.find((message) => message.recordId === results[0]?.recordId);
    expect(replayed).toContainEqual({ ...hangzhou, replay: 'e2e-replay' });
    expect(replayed.map((message) => message.recordId)).not.toContain(results[1]?.recordId);
    expect(replayed.every((message) => message.replay === 'e2e-replay')).toBe(true);
    for (const other of others) expect(await drained(other)).toEqual([]);
    const log = JSON.parse((await hubCommand('deliveries', CITY, '--json')).stdout);
    expect(log.totals.replayed).toBeGreaterThanOrEqual(1);
  });
});

describe('hub smoke', () => {
  it('follows a test record to the smoke queue alone, times each hop and removes what it wrote', async () => {
    await empty('public-security', 'housing', SMOKE);

    const { code, stdout, stderr } = await hubCommand('smoke', '--timeout', '30');

    expect(code, stderr).toBe(0);
    for (const hop of ['api', 'store', 'stream', 'bus'])
      expect(stdout).toMatch(new RegExp(`^${hop} +\\d+ ms`, 'm'));
    expect(stdout).toContain('smoke passed');
    // No department got it, and nothing of it is left.
    expect(await drained('public-security')).toEqual([]);
    expect(await drained('housing')).toEqual([]);
    expect(await drained(SMOKE)).toEqual([]);
    const recordId = /record (\S+)\)/.exec(stdout)?.[1] ?? '';
    const dynamoDb = localDynamoDbClient(hub.endpoints.dynamodbEndpoint);
    const store = new RecordStore(dynamoDb, hub.endpoints.tableName);
    expect(recordId).toMatch(/^rental-property:/);
    expect(await store.getRecord(recordId)).toBeUndefined();
    expect(await store.getHistory(recordId)).toEqual([]);
    dynamoDb.destroy();
  });
});
