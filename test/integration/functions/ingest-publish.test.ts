import type { Server } from 'node:http';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personKeyOf } from '#domain/person-key.ts';
import { RecordStore } from '#functions/adapters/record-store.ts';
import type { SubmitterContext } from '#functions/http/submitter-context.ts';
import { createIngestHandler } from '#functions/ingest/handler.ts';
import { createPublishHandler } from '#functions/publish/handler.ts';
import { toStreamEvent } from '#local/emulators/change-feed.ts';
import { ensureTable, LOCAL_CREDENTIALS, localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { RECORDS_TABLE } from '#local/emulators/table-definition.ts';
import { startEventBridgeEndpoint } from '#local/eventbridge-endpoint.ts';
import { lambdaContext } from '#local/lambda-context.ts';
import { jsonPost, recordsPostEvent } from '../../helpers/api-event.ts';
import { idNumberFor } from '../../helpers/sample-people.ts';

const SECRET = 'test-person-key-secret';
const LANDLORD = { sub: 'landlord-1', role: 'landlord' };
const POLICE = { sub: 'police-1', role: 'department' };

let emulator: DynamoDbEmulator;
let store: RecordStore;
let busServer: Server;
let ingest: ReturnType<typeof createIngestHandler>;
/** Entries the bus received, and how many of the next calls' entries it should fail (to prove the retry). */
const published: PutEventsRequestEntry[] = [];
let failNextEntries = 0;

beforeAll(async () => {
  emulator = await startDynamoDb();
  const client = localDynamoDbClient(emulator.endpoint);
  await ensureTable(client, RECORDS_TABLE);
  store = new RecordStore(client, RECORDS_TABLE.tableName);
  ingest = createIngestHandler({ store, personKeySecret: SECRET });
  const bus = await startEventBridgeEndpoint({
    async putEvents(entries) {
      const results = entries.map((entry) => {
        if (failNextEntries > 0) {
          failNextEntries -= 1;
          return { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' };
        }
        published.push(entry);
        return { EventId: `e-${published.length}` };
      });
      return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
    },
  });
  busServer = bus.server;
  const eventBridge = new EventBridgeClient({
    endpoint: bus.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
  const publish = createPublishHandler({ store, eventBridge, eventBusName: 'test-bus' });
  emulator.changes.subscribe((records) => publish(toStreamEvent(records), lambdaContext('publish')), {
    tableNames: [RECORDS_TABLE.tableName],
  });
});

afterAll(async () => {
  await emulator.changes.drain();
  busServer.close();
  await emulator.close();
});

const call = async (event: ReturnType<typeof jsonPost>) => {
  const response = await ingest(event, lambdaContext('ingest') as SubmitterContext);
  return {
    status: response.statusCode,
    headers: response.headers ?? {},
    body: JSON.parse(response.body ?? 'null'),
  };
};

function registration(idNumber: string, overrides: Record<string, unknown> = {}) {
  return {
    kind: 'residence-registration',
    sourceId: `src-${idNumber.slice(-4)}`,
    data: {
      person: { idNumber, name: '李四', phone: '13800138000' },
      address: { divisionCode: '330106', detail: '文三路90号3幢2单元301室' },
      residenceType: 'rented',
      movedInOn: '2024-03-01',
      ...overrides,
    },
  };
}

const eventsFor = (recordId: string) =>
  published
    .filter((e) => JSON.parse(e.Detail ?? '{}').recordId === recordId)
    .map((e) => ({
      type: e.DetailType,
      detail: JSON.parse(e.Detail ?? '{}'),
    }));

describe('POST /v1/records → store → stream → PutEvents', () => {
  it('stores a new record as version 1 and publishes one Created event keyed by personKey', async () => {
    // Prepare
    const idNumber = idNumberFor('330106', '1990-03-07', 123);
    // Act
    const { status, body } = await call(jsonPost({ records: [registration(idNumber)] }, LANDLORD));
    await emulator.changes.drain();
    // Assess
    expect(status).toBe(200);
    expect(body.summary).toEqual({ accepted: 1, unchanged: 0, rejected: 0 });
    const [result] = body.results;
    expect(result).toMatchObject({ index: 0, status: 'accepted', version: 1, errors: [] });
    const events = eventsFor(result.recordId);
    expect(events.map((e) => e.type)).toEqual(['ResidenceRegistration.Created']);
    expect(events[0]?.detail).toMatchObject({
      id: `${result.recordId}:1`,
      change: 'created',
      personKey: personKeyOf(idNumber, SECRET),
      divisionCode: '330106',
      submittedBy: { role: 'landlord', submitterId: 'landlord-1' },
    });
    expect(result.recordId).not.toContain(idNumber);
  });

  it('answers an identical resubmission with unchanged: no new version, no event', async () => {
    const entry = registration(idNumberFor('330106', '1991-05-06', 201));
    const first = await call(jsonPost({ records: [entry] }, LANDLORD));
    await emulator.changes.drain();
    const before = published.length;

    const again = await call(jsonPost({ records: [entry] }, LANDLORD));
    await emulator.changes.drain();

    expect(again.body.results[0]).toMatchObject({
      status: 'unchanged',
      version: 1,
      recordId: first.body.results[0].recordId,
    });
    expect(published.length).toBe(before);
  });

  it('lands the same fact from a second submitter on one record whose provenance lists both', async () => {
    const entry = registration(idNumberFor('330106', '1985-01-02', 311));
    const byLandlord = await call(jsonPost({ records: [entry] }, LANDLORD));
    const byPolice = await call(jsonPost({ records: [{ ...entry, sourceId: 'police-77' }] }, POLICE));
    await emulator.changes.drain();

    const recordId = byLandlord.body.results[0].recordId;
    expect(byPolice.body.results[0]).toMatchObject({ status: 'unchanged', recordId, version: 1 });
    const item = await store.getRecord(recordId);
    expect(item?.provenance.map((p) => [p.submitterId, p.lastSourceId, p.sourceIdCount])).toEqual([
      ['landlord-1', entry.sourceId, 1],
      ['police-1', 'police-77', 1],
    ]);
    expect(eventsFor(recordId)).toHaveLength(1);
  });

  it('publishes Updated for a changed fact and Ended when the move-out date appears, with history per version', async () => {
    const idNumber = idNumberFor('330106', '1979-11-30', 412);
    const created = await call(jsonPost({ records: [registration(idNumber)] }, LANDLORD));
    const withEthnicity = { idNumber, name: '李四', phone: '13800138000', ethnicity: '汉族' };
    const updated = await call(
      jsonPost(
        { records: [registration(idNumber, { person: withEthnicity, residenceType: 'owned' })] },
        POLICE,
      ),
    );
    const ended = await call(
      jsonPost(
        { records: [registration(idNumber, { residenceType: 'owned', movedOutOn: '2024-09-30' })] },
        LANDLORD,
      ),
    );
    await emulator.changes.drain();

    const recordId = created.body.results[0].recordId;
    expect([updated.body.results[0].version, ended.body.results[0].version]).toEqual([2, 3]);
    expect(eventsFor(recordId).map((e) => e.type)).toEqual([
      'ResidenceRegistration.Created',
      'ResidenceRegistration.Updated',
      'ResidenceRegistration.Ended',
    ]);
    // The landlord's move-out report did not repeat the ethnicity the police added: it is kept, not erased.
    expect(eventsFor(recordId)[2]?.detail.record).toMatchObject({
      person: { ethnicity: '01' },
      movedOutOn: '2024-09-30',
    });
    const history = await store.getHistory(recordId);
    expect(history.map((h) => [h.version, h.by.submitterId, h.changedPaths])).toEqual([
      [1, 'landlord-1', ['address', 'movedInOn', 'person', 'residenceType']],
      [2, 'police-1', ['person.ethnicity', 'residenceType']],
      [3, 'landlord-1', ['movedOutOn']],
    ]);
  });

  it('gives every record of a batch its own result, with all errors of a rejected one', async () => {
    const good = registration(idNumberFor('330106', '1992-02-29', 515));
    const bad = {
      kind: 'residence-registration',
      sourceId: 'bad-1',
      data: {
        person: { idNumber: '330106199003071235', name: '' },
        residenceType: '宫殿',
        movedInOn: '2016年2月30日',
      },
    };
    const unknownKind = { kind: 'spaceship', data: {} };
    const notAnEntry = 'hello';

    const { body } = await call(jsonPost({ records: [good, bad, unknownKind, notAnEntry] }, LANDLORD));

    expect(body.summary).toEqual({ accepted: 1, unchanged: 0, rejected: 3 });
    expect(body.results.map((r: { status: string }) => r.status)).toEqual([
      'accepted',
      'rejected',
      'rejected',
      'rejected',
    ]);
    const codes = body.results[1].errors.map((e: { path: string; code: string }) => `${e.path}:${e.code}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        'data.person.idNumber:ID_NUMBER_CHECKSUM',
        'data.person.name:REQUIRED',
        'data.residenceType:ENUM_UNKNOWN',
        'data.movedInOn:DATE_INVALID',
        'data.address:REQUIRED',
      ]),
    );
    expect(JSON.stringify(body.results[1].errors)).not.toContain('330106199003071235');
    expect(body.results[2].errors).toEqual([expect.objectContaining({ path: 'kind', code: 'KIND_UNKNOWN' })]);
    expect(body.results[3].errors[0]).toMatchObject({ code: 'TYPE_INVALID' });
  });

  it('never loses an update when writers race on one record', async () => {
    const idNumber = idNumberFor('330106', '1988-08-08', 617);
    const first = await call(jsonPost({ records: [registration(idNumber)] }, LANDLORD));
    const phones = ['13900000001', '13900000002', '13900000003', '13900000004', '13900000005', '13900000006'];

    const results = await Promise.all(
      phones.map((phone) =>
        call(
          jsonPost(
            { records: [registration(idNumber, { person: { idNumber, name: '李四', phone } })] },
            LANDLORD,
          ),
        ),
      ),
    );
    await emulator.changes.drain();

    const versions = results.map((r) => r.body.results[0].version).sort((a, b) => a - b);
    expect(versions).toEqual([2, 3, 4, 5, 6, 7]);
    const recordId = first.body.results[0].recordId;
    expect((await store.getHistory(recordId)).map((h) => h.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(
      eventsFor(recordId)
        .map((e) => e.detail.version)
        .sort(),
    ).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('retries entries EventBridge fails, so a throttled publish loses nothing', async () => {
    failNextEntries = 2;
    const { body } = await call(
      jsonPost({ records: [registration(idNumberFor('330106', '1970-07-07', 719))] }, LANDLORD),
    );
    await emulator.changes.drain();

    expect(failNextEntries).toBe(0);
    expect(eventsFor(body.results[0].recordId).map((e) => e.type)).toEqual(['ResidenceRegistration.Created']);
  });
});

describe('whole-request failures are problem+json', () => {
  const problem = async (event: ReturnType<typeof jsonPost>) => {
    const response = await call(event);
    expect(response.headers['content-type']).toBe('application/problem+json');
    return { status: response.status, code: response.body.code, body: response.body };
  };

  it('refuses a caller without a verified identity with 401', async () => {
    expect(await problem(jsonPost({ records: [] }))).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('refuses malformed JSON with 400', async () => {
    const event = recordsPostEvent({
      body: '{"records": [',
      contentType: 'application/json',
      claims: LANDLORD,
    });
    expect(await problem(event)).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
  });

  it('refuses a body that is not JSON with 415', async () => {
    const event = recordsPostEvent({ body: 'a,b,c', contentType: 'text/csv', claims: LANDLORD });
    expect(await problem(event)).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('refuses 0 records, more than 500 and unknown envelope fields with 400 and the field path', async () => {
    const empty = await problem(jsonPost({ records: [] }, LANDLORD));
    const tooMany = await problem(jsonPost({ records: Array.from({ length: 501 }, () => ({})) }, LANDLORD));
    const extra = await problem(jsonPost({ records: [{}], submitter: 'me' }, LANDLORD));

    expect(empty).toMatchObject({ status: 400, code: 'INVALID_ENVELOPE' });
    expect(empty.body.errors[0].path).toBe('records');
    expect(tooMany).toMatchObject({ status: 400, code: 'INVALID_ENVELOPE' });
    expect(extra.body.errors).toEqual([expect.objectContaining({ code: 'FIELD_UNKNOWN' })]);
  });

  it('refuses a body over the size limit with 413 before parsing it', async () => {
    const event = recordsPostEvent({
      body: `{"records":["${'x'.repeat(3 * 1024 * 1024)}"]}`,
      contentType: 'application/json',
      claims: LANDLORD,
    });
    expect(await problem(event)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });
});
