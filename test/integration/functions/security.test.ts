import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordStore } from '#functions/adapters/record-store.ts';
import type { SubmitterContext } from '#functions/http/submitter-context.ts';
import { createIngestHandler } from '#functions/ingest/handler.ts';
import { ensureTable, localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { RECORDS_TABLE } from '#local/emulators/table-definition.ts';
import { lambdaContext } from '#local/lambda-context.ts';
import { jsonPost, recordsPostEvent } from '../../helpers/api-event.ts';
import { idNumberFor } from '../../helpers/sample-people.ts';

// The ingest handler's own defences, behind verified claims (token checks: test/e2e/security.test.ts):
// what each role may submit, whose records a resident may submit, whose property a landlord may report at,
// and bodies built to crash or poison a JSON service.

const LANDLORD_A = { sub: 'landlord-a', role: 'landlord' };
const LANDLORD_B = { sub: 'landlord-b', role: 'landlord' };
const MANAGER = { sub: 'manager-1', role: 'property-manager' };
const EMPLOYER = { sub: 'employer-1', role: 'employer' };
const RESIDENT_ID = idNumberFor('330106', '1990-03-07', 123);
const RESIDENT = { sub: 'resident-1', role: 'resident', id_number: RESIDENT_ID };
const OTHER_PERSON_ID = idNumberFor('320102', '1995-12-01', 244);
const OWNER_ID = idNumberFor('330106', '1968-04-15', 311);

let emulator: DynamoDbEmulator;
let store: RecordStore;
let ingest: ReturnType<typeof createIngestHandler>;

beforeAll(async () => {
  emulator = await startDynamoDb();
  const client = localDynamoDbClient(emulator.endpoint);
  await ensureTable(client, RECORDS_TABLE);
  store = new RecordStore(client, RECORDS_TABLE.tableName);
  ingest = createIngestHandler({ store, personKeySecret: 'test-person-key-secret' });
});

afterAll(async () => {
  await emulator.close();
});

interface Result {
  status: string;
  recordId?: string;
  errors: Array<{ path: string; code: string; message: string }>;
}

async function call(event: ReturnType<typeof jsonPost>) {
  const response = await ingest(event, lambdaContext('ingest') as SubmitterContext);
  const body = JSON.parse(response.body ?? 'null');
  return { status: response.statusCode, type: response.headers?.['content-type'], body };
}

async function submit(claims: Record<string, string>, ...records: unknown[]): Promise<Result[]> {
  const { status, body } = await call(jsonPost({ records }, claims));
  expect(status).toBe(200);
  return body.results;
}

const codesOf = (result: Result | undefined) => result?.errors.map((e) => `${e.path}:${e.code}`);

const registration = (idNumber: string, detail: string, residenceType = 'rented') => ({
  kind: 'residence-registration',
  data: {
    person: { idNumber, name: '张伟' },
    address: { divisionCode: '330106', detail },
    residenceType,
    movedInOn: '2024-03-01',
  },
});
const property = (detail: string) => ({
  kind: 'rental-property',
  data: { owner: { name: '王芳', idNumber: OWNER_ID }, address: { divisionCode: '330106', detail } },
});
const tenancy = (detail: string) => ({
  kind: 'tenancy',
  data: {
    tenant: { idNumber: OTHER_PERSON_ID, name: '李娜' },
    landlord: { name: '王芳', idNumber: OWNER_ID },
    property: { divisionCode: '330106', detail },
    startsOn: '2024-03-01',
  },
});
const employment = {
  kind: 'employment',
  data: {
    person: { idNumber: OTHER_PERSON_ID, name: '李娜' },
    employer: { creditCode: '91330106MA2711111A', name: '杭州西湖科技有限公司', divisionCode: '330106' },
    contractType: 'fixed-term',
    startsOn: '2024-03-04',
  },
};

describe('role escalation inside a valid token', () => {
  it('rejects a landlord submitting employment with FORBIDDEN_KIND, record by record, storing nothing of it', async () => {
    const [allowed, forbidden] = await submit(
      LANDLORD_A,
      registration(idNumberFor('330106', '1985-01-02', 311), '文一路1号'),
      employment,
    );

    expect(allowed).toMatchObject({ status: 'accepted' });
    expect(forbidden).toMatchObject({ status: 'rejected' });
    expect(codesOf(forbidden)).toEqual(['kind:FORBIDDEN_KIND']);
    // The same employment is accepted from an employer: the landlord's copy left no trace on its record.
    const [fromEmployer] = await submit(EMPLOYER, employment);
    expect(fromEmployer).toMatchObject({ status: 'accepted', version: 1 });
    const stored = await store.getRecord(fromEmployer?.recordId ?? '');
    expect(stored?.provenance.map((p) => p.submitterId)).toEqual(['employer-1']);
  });

  it('lets an employer register only residents of its collective dormitory', async () => {
    const [rented, dormitory] = await submit(
      EMPLOYER,
      registration(idNumberFor('330106', '1986-02-03', 413), '文二路2号', 'rented'),
      registration(idNumberFor('330106', '1986-02-03', 515), '文二路2号宿舍', '单位集体宿舍'),
    );

    expect(codesOf(rented)).toEqual(['data.residenceType:FORBIDDEN_KIND']);
    expect(dormitory).toMatchObject({ status: 'accepted' });
  });

  it('refuses with 401 a verified token whose role claim is not in the table', async () => {
    const { status, body } = await call(jsonPost({ records: [employment] }, { sub: 'x', role: 'admin' }));
    expect(status).toBe(401);
    expect(body).toMatchObject({ code: 'UNAUTHORIZED', detail: expect.stringContaining('"role"') });
  });
});

describe('a resident submits only their own records', () => {
  it("accepts the resident's own registration and departure, and rejects anyone else's with SUBJECT_MISMATCH", async () => {
    const results = await submit(
      RESIDENT,
      registration(RESIDENT_ID.toLowerCase(), '文三路5号'),
      registration(OTHER_PERSON_ID, '文三路5号'),
      {
        kind: 'residence-departure',
        data: {
          person: { idNumber: OTHER_PERSON_ID, name: '李娜' },
          divisionCode: '330106',
          movedOutOn: '2024-05-01',
        },
      },
      employment,
    );

    expect(results.map((r) => r.status)).toEqual(['accepted', 'rejected', 'rejected', 'rejected']);
    expect(codesOf(results[1])).toEqual(['data.person.idNumber:SUBJECT_MISMATCH']);
    expect(codesOf(results[2])).toEqual(['data.person.idNumber:SUBJECT_MISMATCH']);
    expect(codesOf(results[3])).toEqual(['kind:FORBIDDEN_KIND']);
    expect(JSON.stringify(results)).not.toContain(OTHER_PERSON_ID);
  });

  it("never stores the resident's ID number from the token with the record's provenance", async () => {
    const [own] = await submit(RESIDENT, registration(RESIDENT_ID, '文三路6号'));
    const stored = await store.getRecord(own?.recordId ?? '');

    expect(stored?.provenance).toEqual([
      expect.objectContaining({ submitterId: 'resident-1', role: 'resident' }),
    ]);
    expect(Object.keys(stored?.provenance[0] ?? {}).sort()).toEqual([
      'firstReportedAt',
      'lastReportedAt',
      'role',
      'sourceIdCount',
      'submitterId',
    ]);
    expect(stored?.lastChange.by).toEqual({ submitterId: 'resident-1', role: 'resident' });
  });
});

describe('a landlord reports only at a property no other landlord registered', () => {
  const FLAT = '学院路8号1幢1单元101室';
  let flatId = '';

  beforeAll(async () => {
    // Registered in the short form; the others below use the normalised one: the same address.
    const [registered] = await submit(LANDLORD_A, property('学院路8号1-1-101'));
    expect(registered).toMatchObject({ status: 'accepted' });
    flatId = registered?.recordId ?? '';
  });

  it("rejects another landlord's tenancy, registration and property record there with PROPERTY_NOT_OWNED", async () => {
    const results = await submit(
      LANDLORD_B,
      tenancy(FLAT),
      registration(idNumberFor('330106', '1991-04-05', 617), FLAT),
      property(FLAT),
    );

    expect(results.map(codesOf)).toEqual([
      ['data.property:PROPERTY_NOT_OWNED'],
      ['data.address:PROPERTY_NOT_OWNED'],
      ['data.address:PROPERTY_NOT_OWNED'],
    ]);
    const flat = await store.getRecord(flatId);
    expect(flat?.provenance.map((p) => p.submitterId)).toEqual(['landlord-a']);
  });

  it('accepts the owning landlord, a property manager there, and a landlord at an unregistered property', async () => {
    const [own] = await submit(LANDLORD_A, tenancy(FLAT));
    const [manager] = await submit(MANAGER, registration(idNumberFor('330106', '1992-06-07', 719), FLAT));
    const [unregistered] = await submit(LANDLORD_B, tenancy('学院路8号1幢1单元102室'));

    expect([own?.status, manager?.status, unregistered?.status]).toEqual([
      'accepted',
      'accepted',
      'accepted',
    ]);
  });
});

describe('bodies built to break the parser', () => {
  const problem = async (body: string) => {
    const result = await call(
      recordsPostEvent({
        body,
        contentType: 'application/json',
        claims: { sub: 'police-1', role: 'department' },
      }),
    );
    expect(result.type).toBe('application/problem+json');
    return { status: result.status, code: result.body.code, detail: result.body.detail };
  };

  it('refuses 10,000 nested arrays or objects in data with 400 NESTING_TOO_DEEP, before parsing', async () => {
    const arrays = `{"records":[{"kind":"tenancy","data":{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}}]}`;
    const objects = `{"records":[{"kind":"tenancy","data":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}]}`;

    for (const body of [arrays, objects]) {
      expect(await problem(body)).toMatchObject({ status: 400, code: 'NESTING_TOO_DEEP' });
    }
  });

  it('treats nesting within the limit as an ordinary invalid record', async () => {
    const data = `{"landlord":${'['.repeat(20)}${']'.repeat(20)}}`;
    const { status, body } = await call(
      recordsPostEvent({
        body: `{"records":[{"kind":"tenancy","data":${data}}]}`,
        contentType: 'application/json',
        claims: LANDLORD_A,
      }),
    );
    expect(status).toBe(200);
    expect(body.results[0].errors).toContainEqual(
      expect.objectContaining({ path: 'data.landlord', code: 'TYPE_INVALID' }),
    );
  });

  it('refuses __proto__ and constructor.prototype keys anywhere with 400, and nothing is polluted', async () => {
    const bodies = [
      '{"records":[{"kind":"tenancy","data":{"__proto__":{"polluted":true}}}]}',
      '{"records":[{"kind":"tenancy","data":{"tenant":{"__proto__":{"polluted":true}}}}]}',
      '{"__proto__":{"polluted":true},"records":[]}',
      '{"records":[{"kind":"tenancy","data":{"\\u005f_proto__":{"polluted":true}}}]}',
      '{"records":[{"kind":"tenancy","data":{"constructor":{"prototype":{"polluted":true}}}}]}',
    ];

    for (const body of bodies) {
      const refused = await problem(body);
      expect(refused).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
      expect(refused.detail).toContain('__proto__');
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('rejects a plain "constructor" field as an unknown field of the record', async () => {
    const [result] = await submit(LANDLORD_A, {
      ...tenancy('学院路9号'),
      data: { ...tenancy('学院路9号').data, constructor: 'x' },
    });
    expect(codesOf(result)).toEqual(['data.constructor:FIELD_UNKNOWN']);
  });
});
