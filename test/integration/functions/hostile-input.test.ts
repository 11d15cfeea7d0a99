import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyPersistence } from '#functions/adapters/idempotency-store.ts';
import { RecordStore } from '#functions/adapters/record-store.ts';
import { MAX_PROVENANCE_SUBMITTERS, type RecordItem } from '#functions/adapters/store-items.ts';
import type { SubmitterContext } from '#functions/http/submitter-context.ts';
import { MAX_ANSWER_BYTES } from '#functions/ingest/answer.ts';
import { createIngestHandler } from '#functions/ingest/handler.ts';
import { ensureTable, localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { IDEMPOTENCY_TABLE, RECORDS_TABLE } from '#local/emulators/table-definition.ts';
import { lambdaContext } from '#local/lambda-context.ts';
import { jsonPost } from '../../helpers/api-event.ts';
import {
  holdsInvisibleCharacter,
  holdsRefusedCharacter,
  showsLongNumber,
} from '../../helpers/hostile-text.ts';
import { idNumberFor } from '../../helpers/sample-people.ts';

// The defects an adversarial probe found, each reproduced against the ingest handler and the DynamoDB
// emulator: a megabyte name, a record made unwritable by ever new source ids, a batch meeting a store error,
// ownership dodged with invisible characters, numbers echoed in errors, oversized error answers.

/** A store that fails every write of one record, as DynamoDB does for an item it refuses or while throttled. */
class FailingStore extends RecordStore {
  failing = new Set<string>();

  override async putRecord(item: RecordItem, expectedVersion: number): Promise<void> {
    if (this.failing.has(item.recordId))
      throw new Error('ValidationException: Item size has exceeded the limit');
    return super.putRecord(item, expectedVersion);
  }
}

let emulator: DynamoDbEmulator;
let store: FailingStore;
let ingest: ReturnType<typeof createIngestHandler>;

beforeAll(async () => {
  emulator = await startDynamoDb();
  const client = localDynamoDbClient(emulator.endpoint);
  await ensureTable(client, RECORDS_TABLE);
  await ensureTable(client, IDEMPOTENCY_TABLE);
  store = new FailingStore(client, RECORDS_TABLE.tableName);
  ingest = createIngestHandler({
    store,
    personKeySecret: 'test-person-key-secret',
    idempotencyStore: idempotencyPersistence(client, IDEMPOTENCY_TABLE.tableName),
  });
});

afterAll(async () => {
  await emulator.close();
});

const LANDLORD_A = { sub: 'landlord-a', role: 'landlord' };
const LANDLORD_B = { sub: 'landlord-b', role: 'landlord' };
const MANAGER = { sub: 'manager-1', role: 'property-manager' };
const OWNER_ID = idNumberFor('330106', '1968-04-15', 311);

interface FieldError {
  path: string;
  code: string;
  message: string;
}
interface Result {
  index: number;
  sourceId?: string;
  status: string;
  recordId?: string;
  version?: number;
  errors: FieldError[];
}

async function call(body: unknown, claims: Record<string, string>, idempotencyKey?: string) {
  const event = jsonPost(body, claims);
  if (idempotencyKey !== undefined) event.headers['idempotency-key'] = idempotencyKey;
  const response = await ingest(event, lambdaContext('ingest') as SubmitterContext);
  return { status: response.statusCode, text: response.body ?? '', headers: response.headers ?? {} };
}

async function submit(claims: Record<string, string>, ...records: unknown[]): Promise<Result[]> {
  const { status, text } = await call({ records }, claims);
  expect(status).toBe(200);
  return JSON.parse(text).results;
}

const codesOf = (result: Result | undefined) => result?.errors.map((e) => `${e.path}:${e.code}`);

const registration = (idNumber: string, detail: string, person: Record<string, unknown> = {}) => ({
  kind: 'residence-registration',
  data: {
    person: { idNumber, name: '张伟', ...person },
    address: { divisionCode: '330106', detail },
    residenceType: 'rented',
    movedInOn: '2024-03-01',
  },
});
const property = (detail: string, extra: Record<string, unknown> = {}) => ({
  kind: 'rental-property',
  data: {
    owner: { name: '王芳', idNumber: OWNER_ID },
    address: { divisionCode: '330106', detail },
    ...extra,
  },
});

describe('defect 1: a megabyte value is refused before any work', () => {
  it("answers TOO_LONG for the probe's 1 MB name and 400 KB address, and the batch's valid record is stored", async () => {
    const id = idNumberFor('330106', '1990-01-01', 111);
    const [huge, valid] = await submit(
      LANDLORD_A,
      registration(id, 'a '.repeat(200_000), { name: '张 '.repeat(250_000) }),
      registration(idNumberFor('330106', '1990-01-01', 113), '文一路1号'),
    );

    expect(codesOf(huge)).toEqual(['data.person.name:TOO_LONG', 'data.address.detail:TOO_LONG']);
    expect(valid).toMatchObject({ status: 'accepted', version: 1 });
  });
});

describe('defect 2: no record can be made unwritable', () => {
  it('keeps a record the same size however many new source ids report it, and a real change still lands', async () => {
    const id = idNumberFor('330106', '1985-05-05', 221);
    const same = registration(id, '文二路2号', { phone: '13800138000' });
    // The probe's attack: the same fact again and again under new 120-character source ids.
    const reportUnder = async (from: number, count: number) => {
      const records = Array.from({ length: count }, (_, i) => ({
        ...same,
        sourceId: `${String(from + i).padStart(6, '0')}-${'s'.repeat(113)}`,
      }));
      const results = await submit(LANDLORD_A, ...records);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      return store.getRecord(results[0]?.recordId ?? '');
    };
    const sizeOf = (item: unknown) => Buffer.byteLength(JSON.stringify(item));

    const after10 = await reportUnder(0, 10);
    const after200 = await reportUnder(10, 190);
    const [change] = await submit(MANAGER, registration(id, '文二路2号', { phone: '13900139000' }));

    // Only the count's digits grew, where the old list of every id grew by 120 bytes a report.
    expect(sizeOf(after200) - sizeOf(after10)).toBeLessThanOrEqual(2);
    expect(after200?.provenance).toEqual([
      expect.objectContaining({ submitterId: 'landlord-a', sourceIdCount: 200 }),
    ]);
    expect(after200?.provenance[0]?.firstSourceId).toMatch(/^000000-/);
    expect(after200?.provenance[0]?.lastSourceId).toMatch(/^000199-/);
    expect(change).toMatchObject({ status: 'accepted', version: 2 });
  });

  it(`lists at most ${MAX_PROVENANCE_SUBMITTERS} submitters, the earliest, and still takes later reports`, async () => {
    const id = idNumberFor('330106', '1985-05-06', 223);
    for (let i = 0; i < MAX_PROVENANCE_SUBMITTERS + 5; i++)
      await submit({ sub: `manager-${i}`, role: 'property-manager' }, registration(id, '文二路6号'));

    const [late] = await submit(
      { sub: 'manager-late', role: 'property-manager' },
      registration(id, '文二路7号'),
    );
    const stored = await store.getRecord(late?.recordId ?? '');

    expect(late).toMatchObject({ status: 'accepted' });
    expect(stored?.provenance.map((p) => p.submitterId)).toEqual(
      Array.from({ length: MAX_PROVENANCE_SUBMITTERS }, (_, i) => `manager-${i}`),
    );
    expect(stored?.lastChange.by.submitterId).toBe('manager-late');
  });

  it('answers a batch that meets a store error per record: the failed one WRITE_FAILED, the others stored', async () => {
    const failing = registration(idNumberFor('330106', '1985-05-07', 225), '文三路3号');
    const fine = registration(idNumberFor('330106', '1985-05-07', 227), '文三路3号');
    const [probe] = await submit(LANDLORD_A, { ...failing, data: { ...failing.data, residenceType: 'x' } });
    expect(probe?.status).toBe('rejected');
    const recordId = (await submit(MANAGER, failing))[0]?.recordId ?? '';
    store.failing.add(recordId);

    const withKey = await call(
      { records: [{ ...failing, data: { ...failing.data, reason: '务工' } }, fine] },
      MANAGER,
      'k-1',
    );
    store.failing.delete(recordId);
    const retry = await call(
      { records: [{ ...failing, data: { ...failing.data, reason: '务工' } }, fine] },
      MANAGER,
      'k-1',
    );

    expect(withKey.status).toBe(200);
    const [failed, stored] = JSON.parse(withKey.text).results as Result[];
    expect(codesOf(failed)).toEqual([':WRITE_FAILED']);
    expect(stored).toMatchObject({ status: 'accepted', version: 1 });
    expect((await store.getRecord(stored?.recordId ?? ''))?.version).toBe(1);
    // The answer with a failure was not kept: the retry with the same key ran again and wrote it.
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(JSON.parse(retry.text).results).toMatchObject([
      { status: 'accepted', version: 2 },
      { status: 'unchanged', version: 1 },
    ]);
  });
});

describe('defect 3: one canonical address, whatever hides in it', () => {
  const address = '天目山路495号2-1-502';

  it.each([
    ['U+200B zero-width space', '\u200b'],
    ['U+200F right-to-left mark', '\u200f'],
    ['U+FEFF byte-order mark', '\ufeff'],
    ['U+00AD soft hyphen', '\u00ad'],
    ['U+202E right-to-left override', '\u202e'],
  ])(
    "refuses landlord B's property and tenancy with %s after 号 as PROPERTY_NOT_OWNED",
    async (_, hidden) => {
      const detail = address.replace('号', `号${hidden}`);
      const tenancy = {
        kind: 'tenancy',
        data: {
          tenant: { idNumber: idNumberFor('320102', '1995-12-01', 244), name: '李娜' },
          landlord: { name: '王芳', idNumber: OWNER_ID },
          property: { divisionCode: '330106', detail },
          startsOn: '2024-03-01',
        },
      };
      await submit(LANDLORD_A, property(address));

      const [ownProperty, ownTenancy] = await submit(LANDLORD_B, property(detail), tenancy);

      expect(codesOf(ownProperty)).toEqual(['data.address:PROPERTY_NOT_OWNED']);
      expect(codesOf(ownTenancy)).toEqual(['data.property:PROPERTY_NOT_OWNED']);
    },
  );

  it.each(['天目山路495号2栋1单元502室', '天目山路495号2号楼1单元502室', '天目山路495号02-01-0502'])(
    'keys %s as the same property as 2-1-502',
    async (detail) => {
      const [registered] = await submit(LANDLORD_A, property(address));
      const [again] = await submit(LANDLORD_A, property(detail));
      expect(again).toMatchObject({ status: 'unchanged', recordId: registered?.recordId });
    },
  );

  it('refuses NUL, lone surrogates and U+FFFD, and stores free text and source ids without them', async () => {
    const results = await submit(
      LANDLORD_A,
      property('文五路5号', { certificateNo: '浙(2024)\u0000西湖' }),
      property('文五路5号', { certificateNo: '浙(2024)\ud800西湖' }),
      { ...property('文五路5号'), sourceId: 'L-\u0000' },
      { ...property('文五路5号'), sourceId: 'L-\u202e1' },
      property('文五路5号', { certificateNo: '浙(2024)\u2028\u202e西湖\ufeff' }),
    );

    expect(results.map(codesOf).slice(0, 4)).toEqual([
      ['data.certificateNo:CHARACTER_INVALID'],
      ['data.certificateNo:CHARACTER_INVALID'],
      ['sourceId:CHARACTER_INVALID'],
      ['sourceId:CHARACTER_INVALID'],
    ]);
    expect(results.slice(2).map((r) => r.sourceId)).toEqual([undefined, undefined, undefined]);
    const stored = await store.getRecord(results[4]?.recordId ?? '');
    expect(stored?.record.certificateNo).toBe('浙(2024) 西湖');
    const text = JSON.stringify(stored);
    expect(holdsRefusedCharacter(text) || holdsInvisibleCharacter(text)).toBe(false);
  });
});

describe('defect 6: no phone or ID number comes back in an error', () => {
  it('masks them wherever they were misplaced, also in the answer kept for an Idempotency-Key', async () => {
    const id = idNumberFor('330106', '1970-07-07', 331);
    const records = [
      property('文六路6号', { areaSqm: '13912345678' }),
      property('文六路6号', { rooms: 13912345678 }),
      { ...registration(id, '文六路6号'), data: { ...registration(id, '文六路6号').data, movedInOn: id } },
      { ...registration(id, '文六路6号'), data: { ...registration(id, '文六路6号').data, reason: `x${id}` } },
      { ...registration(id, '文六路6号'), data: { ...registration(id, '文六路6号').data, [id]: 1 } },
      {
        kind: 'employment',
        data: {
          person: { idNumber: id, name: '张伟' },
          employer: { creditCode: id, name: '某公司', divisionCode: '330106' },
          startsOn: '2024-03-04',
        },
      },
    ];

    const first = await call({ records }, MANAGER, 'echo-1');
    const replay = await call({ records }, MANAGER, 'echo-1');

    expect(JSON.parse(first.text).summary.rejected).toBe(records.length);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    for (const text of [first.text, replay.text]) {
      expect(showsLongNumber(text)).toBe(false);
      expect(text).not.toContain(id);
      expect(text).not.toContain('13912345678');
    }
  });
});

describe('error answers stay bounded', () => {
  it('answers 1.7 MB of unknown keys with 25 errors and a count of the rest', async () => {
    const keys = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`unknown-key-${i}-xxxxx`, 1]));

    const [result] = await submit(LANDLORD_A, {
      ...property('文七路7号'),
      data: { ...property('文七路7号').data, ...keys },
    });

    expect(result?.errors).toHaveLength(26);
    expect(result?.errors.at(-1)).toMatchObject({
      code: 'TOO_MANY_ERRORS',
      message: expect.stringContaining('59975 more'),
    });
  });

  it('answers 500 records full of errors in under two MiB, one error and a count per record', async () => {
    const junk = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`${'k'.repeat(56)}${i}`, 'x'.repeat(30)]),
    );
    const records = Array.from({ length: 500 }, (_, i) => ({
      kind: 'residence-registration',
      sourceId: `${'s'.repeat(120)}${i}`,
      data: { person: { idNumber: 'x', name: '' }, ...junk },
    }));

    const { status, text } = await call({ records }, LANDLORD_A);

    expect(status).toBe(200);
    expect(Buffer.byteLength(text)).toBeLessThan(2 * MAX_ANSWER_BYTES);
    const results = JSON.parse(text).results as Result[];
    expect(results).toHaveLength(500);
    for (const result of results) {
      expect(result.errors.map((e) => e.code)).toEqual([expect.any(String), 'TOO_MANY_ERRORS']);
    }
  });
});
