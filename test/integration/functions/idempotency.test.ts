import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_ATTRIBUTES, idempotencyPersistence } from '#functions/adapters/idempotency-store.ts';
import { RecordStore } from '#functions/adapters/record-store.ts';
import { REPLAYED_HEADER } from '#functions/http/idempotency.ts';
import type { SubmitterContext } from '#functions/http/submitter-context.ts';
import { createIngestHandler } from '#functions/ingest/handler.ts';
import { ensureTable, localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { IDEMPOTENCY_TABLE, RECORDS_TABLE } from '#local/emulators/table-definition.ts';
import { lambdaContext } from '#local/lambda-context.ts';
import { jsonPost, recordsPostEvent } from '../../helpers/api-event.ts';
import { idNumberFor } from '../../helpers/sample-people.ts';

// Idempotency-Key on POST /v1/records, with Powertools' DynamoDB persistence on dynalite (no TTL, no
// transactions): what is replayed, what is refused, and that a replay writes nothing.

const POLICE = { sub: 'police-1', role: 'department' };
const MANAGER = { sub: 'manager-1', role: 'property-manager' };

/** A record store whose reads a test can hold (a request "in flight") or fail once (an outage). */
class ControlledStore extends RecordStore {
  gate: { entered: () => void; open: Promise<void> } | undefined;
  failNextRead = false;

  override async getRecords(recordIds: readonly string[]) {
    if (this.failNextRead) {
      this.failNextRead = false;
      throw new Error('the record table is unavailable');
    }
    if (this.gate) {
      this.gate.entered();
      await this.gate.open;
    }
    return super.getRecords(recordIds);
  }
}

let emulator: DynamoDbEmulator;
let client: ReturnType<typeof localDynamoDbClient>;
let store: ControlledStore;
let ingest: ReturnType<typeof createIngestHandler>;
/** Every change the record table's stream carried: a write there shows up here. */
const changes: DynamoDBRecord[] = [];

beforeAll(async () => {
  emulator = await startDynamoDb();
  client = localDynamoDbClient(emulator.endpoint);
  await ensureTable(client, RECORDS_TABLE);
  await ensureTable(client, IDEMPOTENCY_TABLE);
  store = new ControlledStore(client, RECORDS_TABLE.tableName);
  ingest = createIngestHandler({
    store,
    personKeySecret: 'test-person-key-secret',
    idempotencyStore: idempotencyPersistence(client, IDEMPOTENCY_TABLE.tableName),
  });
  emulator.changes.subscribe(
    async (records) => {
      changes.push(...records);
    },
    { tableNames: [RECORDS_TABLE.tableName] },
  );
});

afterAll(async () => {
  await emulator.changes.drain();
  client.destroy();
  await emulator.close();
});

beforeEach(() => {
  store.gate = undefined;
  store.failNextRead = false;
});

let people = 0;
/** Holds the next request inside the handler (after it claimed its key) until `open` is called. */
function holdNextRequest(): { reachedStore: Promise<void>; open: () => void } {
  let entered!: () => void;
  let open!: () => void;
  const reachedStore = new Promise<void>((resolve) => {
    entered = resolve;
  });
  store.gate = { entered, open: new Promise((resolve) => (open = resolve)) };
  return {
    reachedStore: reachedStore.then(() => {
      store.gate = undefined;
    }),
    open,
  };
}

/** The idempotency item a request added: the table's items before it ran, and the request. */
async function itemAddedBy<T>(run: () => Promise<T>): Promise<{ id: string; result: T }> {
  const known = new Set((await idempotencyItems()).map((item) => item.id?.S));
  const result = await run();
  const added = (await idempotencyItems()).filter((item) => !known.has(item.id?.S));
  if (added.length !== 1) throw new Error(`expected one new idempotency item, found ${added.length}`);
  return { id: added[0]?.id?.S ?? '', result };
}

async function setExpiry(id: string, attribute: string, value: number): Promise<void> {
  await client.send(
    new UpdateItemCommand({
      TableName: IDEMPOTENCY_TABLE.tableName,
      Key: { [IDEMPOTENCY_ATTRIBUTES.key]: { S: id } },
      UpdateExpression: 'SET #expiry = :value',
      ExpressionAttributeNames: { '#expiry': attribute },
      ExpressionAttributeValues: { ':value': { N: String(value) } },
    }),
  );
}

/** A residence registration of a person no other test uses. */
function registration(overrides: Record<string, unknown> = {}) {
  people += 1;
  const idNumber = idNumberFor('330106', '1988-02-03', 400 + people);
  return {
    kind: 'residence-registration',
    sourceId: `idem-${people}`,
    data: {
      person: { idNumber, name: '王五', phone: '13900139000' },
      address: { divisionCode: '330106', detail: '文二路100号2幢1单元502室' },
      residenceType: 'rented',
      movedInOn: '2024-05-01',
      ...overrides,
    },
  };
}

/** POST /v1/records as `claims`; a string body is sent as it is. */
async function post(
  body: unknown,
  key: string | undefined,
  claims: Record<string, string> = POLICE,
  handler = ingest,
) {
  const event =
    typeof body === 'string'
      ? recordsPostEvent({ body, contentType: 'application/json', claims })
      : jsonPost(body, claims);
  if (key !== undefined) event.headers['Idempotency-Key'] = key;
  const response = await handler(event, lambdaContext('ingest') as SubmitterContext);
  return {
    status: response.statusCode,
    headers: (response.headers ?? {}) as Record<string, string>,
    body: JSON.parse(response.body ?? 'null'),
  };
}

async function changeCount(): Promise<number> {
  await emulator.changes.drain();
  return changes.length;
}

async function idempotencyItems() {
  const { Items = [] } = await client.send(new ScanCommand({ TableName: IDEMPOTENCY_TABLE.tableName }));
  return Items;
}

describe('Idempotency-Key', () => {
  it('keys the local table with the attribute names the persistence layer writes', () => {
    expect(IDEMPOTENCY_TABLE.partitionKey).toEqual({ name: IDEMPOTENCY_ATTRIBUTES.key, type: 'S' });
    expect(IDEMPOTENCY_TABLE.timeToLiveAttribute).toBe(IDEMPOTENCY_ATTRIBUTES.expiry);
  });

  it('replays the first response to a repeat without writing again', async () => {
    // Prepare
    const body = { records: [registration()] };
    const first = await post(body, 'replay-1');
    const changesAfterFirst = await changeCount();
    const recordId = first.body.results[0].recordId;

    // Act
    const again = await post(body, 'replay-1');

    // Assess: the first answer (accepted, version 1), not a second run's (which would say unchanged)
    expect(first.status).toBe(200);
    expect(first.body.results[0]).toMatchObject({ status: 'accepted', version: 1 });
    expect(first.headers[REPLAYED_HEADER]).toBeUndefined();
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers).toEqual({ ...first.headers, [REPLAYED_HEADER]: 'true' });
    // No write at all: nothing on the stream, so no history entry and no event for the publisher
    expect(await changeCount()).toBe(changesAfterFirst);
    expect((await store.getRecord(recordId))?.version).toBe(1);
  });

  it('compares bodies as JSON: another key order and spacing is the same request', async () => {
    const entry = registration();
    const first = await post({ records: [entry] }, 'replay-json');
    const reversed = <T extends object>(value: T): T =>
      Object.fromEntries(Object.entries(value).reverse()) as T;
    const reordered = JSON.stringify(
      { records: [reversed({ ...entry, data: reversed(entry.data) })] },
      null,
      2,
    );

    const again = await post(reordered, 'replay-json');

    expect(again.headers[REPLAYED_HEADER]).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('refuses the same key with a different body with 422, and still replays the original', async () => {
    const body = { records: [registration()] };
    const first = await post(body, 'reused-1');

    const other = await post({ records: [registration()] }, 'reused-1');
    const original = await post(body, 'reused-1');

    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toBe('application/problem+json');
    expect(other.body).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    // The refusal did not erase the stored answer (Powertools' middy middleware would, issue #5675).
    expect(original.headers[REPLAYED_HEADER]).toBe('true');
    expect(original.body).toEqual(first.body);
  });

  it('refuses a repeat while the first request is still in flight with 409, then replays it', async () => {
    // Prepare: hold the first request inside the handler, after it claimed the key
    const body = { records: [registration()] };
    const { reachedStore, open } = holdNextRequest();
    const inFlight = post(body, 'concurrent-1');
    await reachedStore;

    // Act
    const concurrent = await post(body, 'concurrent-1');
    open();
    const first = await inFlight;
    const after = await post(body, 'concurrent-1');

    // Assess
    expect(concurrent.status).toBe(409);
    expect(concurrent.headers['content-type']).toBe('application/problem+json');
    expect(concurrent.body).toMatchObject({ status: 409, code: 'IDEMPOTENCY_IN_FLIGHT' });
    expect(first.status).toBe(200);
    expect(first.body.results[0]).toMatchObject({ status: 'accepted', version: 1 });
    expect(after.headers[REPLAYED_HEADER]).toBe('true');
    expect(after.body).toEqual(first.body);
  });

  it('keeps keys apart per submitter: the same key from another submitter is a request of its own', async () => {
    const entry = registration();
    const byPolice = await post({ records: [entry] }, 'shared-key');

    const byManager = await post({ records: [entry] }, 'shared-key', MANAGER);
    const byManagerOtherBody = await post({ records: [registration()] }, 'shared-key-2', MANAGER);
    const byPoliceOtherBody = await post({ records: [registration()] }, 'shared-key-2');

    expect(byPolice.body.results[0].status).toBe('accepted');
    // Ran (the same fact is already stored, so unchanged), not replayed from the police's answer.
    expect(byManager.status).toBe(200);
    expect(byManager.headers[REPLAYED_HEADER]).toBeUndefined();
    expect(byManager.body.results[0]).toMatchObject({
      status: 'unchanged',
      recordId: byPolice.body.results[0].recordId,
    });
    expect(byManagerOtherBody.status).toBe(200);
    expect(byPoliceOtherBody.status).toBe(200);
    expect(byPoliceOtherBody.headers[REPLAYED_HEADER]).toBeUndefined();
  });

  it('does not track requests without the header', async () => {
    const body = { records: [registration()] };
    const itemsBefore = (await idempotencyItems()).length;

    const first = await post(body, undefined);
    const again = await post(body, undefined);

    expect(first.body.results[0].status).toBe('accepted');
    expect(again.body.results[0].status).toBe('unchanged');
    expect(again.headers[REPLAYED_HEADER]).toBeUndefined();
    expect(await idempotencyItems()).toHaveLength(itemsBefore);
  });

  it('does not replay a failure: after a 500 the same request runs again', async () => {
    const body = { records: [registration()] };
    store.failNextRead = true;

    const failed = await post(body, 'after-failure');
    const retried = await post(body, 'after-failure');
    const replayed = await post(body, 'after-failure');

    expect(failed.status).toBe(500);
    expect(failed.body.code).toBe('INTERNAL');
    expect(retried.status).toBe(200);
    expect(retried.headers[REPLAYED_HEADER]).toBeUndefined();
    expect(retried.body.results[0]).toMatchObject({ status: 'accepted', version: 1 });
    expect(replayed.headers[REPLAYED_HEADER]).toBe('true');
  });

  it('does not hold a key for a refused envelope: the key stays free for a valid body', async () => {
    const invalid = await post({ records: [] }, 'after-400');
    const valid = await post({ records: [registration()] }, 'after-400');

    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('INVALID_ENVELOPE');
    expect(valid.status).toBe(200);
    expect(valid.headers[REPLAYED_HEADER]).toBeUndefined();
  });

  it('runs a request again once its stored answer has expired, though dynalite has no TTL', async () => {
    // Prepare: a stored answer, then its expiry moved into the past (as 24 hours later)
    const body = { records: [registration()] };
    const { id } = await itemAddedBy(() => post(body, 'expires'));
    await setExpiry(id, IDEMPOTENCY_ATTRIBUTES.expiry, 1);

    // Act
    const later = await post(body, 'expires');

    // Assess: ran afresh, and the key is held (and replayed) again
    expect(later.headers[REPLAYED_HEADER]).toBeUndefined();
    expect(later.body.results[0].status).toBe('unchanged');
    expect((await post(body, 'expires')).headers[REPLAYED_HEADER]).toBe('true');
  });

  it('takes over the key of a request that died in flight once its in-progress lock has expired', async () => {
    // Prepare: the first request holds the key; then its lock lapses, as when its Lambda timed out
    const body = { records: [registration()] };
    const { reachedStore, open } = holdNextRequest();
    let inFlight: Promise<Awaited<ReturnType<typeof post>>> | undefined;
    const { id } = await itemAddedBy(async () => {
      inFlight = post(body, 'lapsed');
      await reachedStore;
    });
    await setExpiry(id, 'in_progress_expiration', 1);

    // Act
    const retry = await post(body, 'lapsed');
    open();
    await inFlight;

    // Assess: the retry ran (the same fact, written by the first or the retry, whichever came first)
    expect(retry.status).toBe(200);
    expect(retry.headers[REPLAYED_HEADER]).toBeUndefined();
    expect(['accepted', 'unchanged']).toContain(retry.body.results[0].status);
  });

  it('replays an answer larger than a DynamoDB item (500 records with several errors each) exactly', async () => {
    // Prepare: every record rejected with five unknown-field errors and more
    const junk = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`unexpected${i}`, i]));
    const records = Array.from({ length: 500 }, (_, i) => ({
      kind: 'residence-registration',
      sourceId: `bulk-${i}`,
      data: { person: { idNumber: '1', name: '' }, ...junk },
    }));
    const first = await post({ records }, 'bulk-1');

    // Act
    const again = await post({ records }, 'bulk-1');

    // Assess
    expect(JSON.stringify(first.body).length).toBeGreaterThan(400 * 1024);
    expect(first.body.summary).toEqual({ accepted: 0, unchanged: 0, rejected: 500 });
    expect(again.headers[REPLAYED_HEADER]).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('answers when the answer cannot be stored, and frees the key so a retry runs again', async () => {
    // Prepare: a persistence layer whose first "completed" update fails (throttled, say)
    class FailingOnce extends DynamoDBPersistenceLayer {
      failed = false;
      protected override async _updateRecord(record: IdempotencyRecord): Promise<void> {
        if (!this.failed) {
          this.failed = true;
          throw new Error('ProvisionedThroughputExceededException');
        }
        return super._updateRecord(record);
      }
    }
    const flaky = createIngestHandler({
      store,
      personKeySecret: 'test-person-key-secret',
      idempotencyStore: new FailingOnce({ tableName: IDEMPOTENCY_TABLE.tableName, awsSdkV3Client: client }),
    });
    const body = { records: [registration()] };

    // Act
    const first = await post(body, 'not-stored', POLICE, flaky);
    const retried = await post(body, 'not-stored', POLICE, flaky);
    const replayed = await post(body, 'not-stored', POLICE, flaky);

    // Assess
    expect(first.status).toBe(200);
    expect(first.body.results[0]).toMatchObject({ status: 'accepted', version: 1 });
    expect(retried.status).toBe(200);
    expect(retried.headers[REPLAYED_HEADER]).toBeUndefined();
    expect(retried.body.results[0].status).toBe('unchanged');
    expect(replayed.headers[REPLAYED_HEADER]).toBe('true');
    expect(replayed.body).toEqual(retried.body);
  });

  it('stores a hash of submitter and key, never the key itself', async () => {
    const key = 'order-330106199003071236';

    const { id } = await itemAddedBy(() => post({ records: [registration()] }, key));

    const [item] = (await idempotencyItems()).filter((i) => i.id?.S === id);
    expect(JSON.stringify(item)).not.toContain(key);
    expect(JSON.stringify(item)).not.toContain('330106199003071236');
    expect(item).toMatchObject({ status: { S: 'COMPLETED' }, expiration: { N: expect.any(String) } });
  });

  it.each([
    ['empty', ''],
    ['longer than 128 characters', 'k'.repeat(129)],
    ['not ASCII', '幂等键-1'],
    ['a control character', 'key\u0001'],
  ])('refuses a key that is %s with 400 before doing anything', async (_what, key) => {
    const before = await changeCount();

    const response = await post({ records: [registration()] }, key);

    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body.code).toBe('INVALID_IDEMPOTENCY_KEY');
    expect(await changeCount()).toBe(before);
  });

  it('accepts a key of 128 printable characters', async () => {
    const response = await post({ records: [registration()] }, `${'k'.repeat(120)} ~!@#$%^`);

    expect(response.status).toBe(200);
  });
});
