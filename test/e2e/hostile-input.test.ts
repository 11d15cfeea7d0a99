import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSigningKey } from '#local/hub-state.ts';
import { issueToken } from '#local/local-jwt.ts';
import { RECORD_KINDS } from '#schemas/index.ts';
import {
  hostileString,
  hostileText,
  type Json,
  showsLongNumber,
  withOneFieldReplaced,
} from '../helpers/hostile-text.ts';
import { type HubProcess, startHubProcess } from '../helpers/hub-process.ts';
import { idNumberFor } from '../helpers/sample-people.ts';
import { loadRecordFixture } from '../unit/schemas/kinds/helpers.ts';

// The local hub over HTTP against generated hostile bodies, one hub process for all: every answer is a 200
// with a result per record or a 4xx problem, never a 5xx, and valid work still goes through afterwards.
// Then the probe's reproductions that need the real HTTP path: a megabyte name next to other requests,
// charsets, the audit range, a submitter id holding an ID number.

let hub: HubProcess;

beforeAll(async () => {
  hub = await startHubProcess();
});

afterAll(async () => {
  expect(await hub?.stop()).toBe(0);
});

/** Department callers may submit every kind, so fuzzed records reach every normaliser. */
const DEPARTMENT = 'dept-public-security-xihu';
const LANDLORD = 'landlord-wang-fang';

interface Answer {
  status: number;
  type: string | null;
  text: string;
}

async function send(
  path: string,
  init: { method?: string; body?: string | Uint8Array; contentType?: string; submitter?: string },
): Promise<Answer> {
  const token = hub.endpoints.tokens[init.submitter ?? DEPARTMENT];
  const response = await fetch(`${hub.endpoints.apiUrl}${path}`, {
    method: init.method ?? 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.contentType === undefined ? {} : { 'content-type': init.contentType }),
    },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

const postRecords = (body: string | Uint8Array, contentType = 'application/json', submitter?: string) =>
  send('/v1/records', { body, contentType, ...(submitter === undefined ? {} : { submitter }) });

// ---- generated bodies --------------------------------------------------------------------------------------

/** A fixture record of some kind with one field replaced by a hostile value or any JSON. */
const hostileRecord = fc.constantFrom(...RECORD_KINDS).chain((kind) => {
  const dirty = loadRecordFixture(kind).dirty as Json;
  return fc.record({
    kind: fc.oneof(fc.constant<Json>(kind), hostileString, fc.jsonValue() as fc.Arbitrary<Json>),
    sourceId: fc.oneof(fc.constant<Json>('L-1'), hostileString, fc.jsonValue() as fc.Arbitrary<Json>),
    data: fc.oneof(
      { weight: 4, arbitrary: withOneFieldReplaced(dirty, hostileString) },
      { weight: 1, arbitrary: fc.jsonValue() as fc.Arbitrary<Json> },
    ),
  });
});

const jsonBody = (value: unknown) => fc.constant(JSON.stringify(value));

/** A request: a JSON envelope of hostile records, any JSON, broken text or raw bytes, under some content type. */
const hostileRequest = fc.record({
  body: fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .array(hostileRecord, { minLength: 1, maxLength: 4 })
        .chain((records) => jsonBody({ records })),
    },
    { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: hostileString },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{"records":[{"kind":"tenancy","data":{"__proto__":{"x":1}}}]}',
        `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
        '{"records":[',
      ),
    },
  ),
  contentType: fc.oneof(
    { weight: 6, arbitrary: fc.constant('application/json') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'application/json; charset=gbk',
        'application/json; charset=utf-8',
        'application/json; charset=latin1',
        'application/json; charset=',
        'text/plain',
        'application/octet-stream',
      ),
    },
  ),
});

function expectWellFormedAnswer(answer: Answer, sentRecords: number | undefined): void {
  expect(answer.status, answer.text.slice(0, 300)).toBeLessThan(500);
  const body = JSON.parse(answer.text);
  if (answer.status === 200) {
    expect(answer.type).toMatch(/^application\/json/);
    if (sentRecords !== undefined) expect(body.results).toHaveLength(sentRecords);
    for (const result of body.results)
      for (const error of result.errors) {
        expect(showsLongNumber(error.message + error.path)).toBe(false);
        expect(error.message).not.toContain('\ufffd');
      }
  } else {
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.type).toBe('application/problem+json');
    expect(body.code).toMatch(/^[A-Z_]+$/);
  }
}

const recordsIn = (body: string | Uint8Array): number | undefined => {
  try {
    const records = JSON.parse(typeof body === 'string' ? body : '')?.records;
    return Array.isArray(records) && records.length > 0 && records.length <= 500 ? records.length : undefined;
  } catch {
    return undefined;
  }
};

describe('the local hub under generated hostile bodies', () => {
  it('answers each with a result per record or a 4xx problem, never a 5xx, and still takes valid work', async () => {
    await fc.assert(
      fc.asyncProperty(hostileRequest, async ({ body, contentType }) => {
        const answer = await postRecords(body, contentType);
        expectWellFormedAnswer(answer, answer.status === 200 ? recordsIn(body) : undefined);
      }),
      { numRuns: 300 },
    );

    const valid = loadRecordFixture('residence-registration').dirty;
    const after = await postRecords(
      JSON.stringify({ records: [{ kind: 'residence-registration', data: valid }] }),
    );
    expect(after.status).toBe(200);
    expect(['accepted', 'unchanged']).toContain(JSON.parse(after.text).results[0].status);
  });
});

// Query parameters stay short: past about 8 KB of URL the gateway (and Node's HTTP parser) refuses the
// request itself, before any handler, with no problem body.

/** Dates and moments, valid or not, for the read API's parameters. */
const moment = fc.oneof(
  fc
    .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  fc
    .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  hostileText,
);

const readRequest = fc.oneof(
  fc
    .record(
      {
        from: moment,
        to: moment,
        limit: fc.oneof(fc.nat().map(String), hostileText),
        cursor: hostileText,
      },
      { requiredKeys: ['from'] },
    )
    .map((query) => ({ method: 'GET', path: `/v1/audit?${new URLSearchParams(query)}` })),
  fc
    .record({ division: fc.oneof(fc.constant('330106'), hostileText), asOf: moment }, { requiredKeys: [] })
    .map((query) => ({ method: 'GET', path: `/v1/stats?${new URLSearchParams(query)}` })),
  fc
    .record(
      {
        idNumber: fc.oneof(fc.constant(idNumberFor('330106', '1990-03-07', 123)), hostileText),
        asOf: moment,
      },
      { requiredKeys: [] },
    )
    .map((body) => ({ method: 'POST', path: '/v1/persons/lookup', body: JSON.stringify(body) })),
);

describe('the read API under generated hostile requests', () => {
  it('answers each with a 200 or a 4xx problem, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(readRequest, async (request) => {
        const answer = await send(request.path, { ...request, contentType: 'application/json' });
        expect(answer.status, `${request.path} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
        JSON.parse(answer.text);
        if (answer.status !== 200) expect(answer.type).toBe('application/problem+json');
      }),
      { numRuns: 100 },
    );
  });
});

// ---- the probe's reproductions over HTTP ---------------------------------------------------------------------

describe("the probe's reproductions", () => {
  it('answers a 1 MB name with TOO_LONG while a valid submission and the API document are served beside it', async () => {
    const registration = (idNumber: string, name: string) => ({
      kind: 'residence-registration',
      data: {
        person: { idNumber, name },
        address: { divisionCode: '330106', detail: '文三路90号3-2-301' },
        residenceType: 'rented',
        movedInOn: '2024-03-01',
      },
    });
    const huge = JSON.stringify({
      records: [registration(idNumberFor('330106', '1990-02-02', 121), '张 '.repeat(250_000))],
    });
    const fine = JSON.stringify({
      records: [registration(idNumberFor('330106', '1990-02-02', 123), '张伟')],
    });

    const [hugeAnswer, fineAnswer, document] = await Promise.all([
      postRecords(huge),
      postRecords(fine),
      send('/v1/openapi.json', { method: 'GET' }),
    ]);

    expect(JSON.parse(hugeAnswer.text).results[0].errors).toMatchObject([
      { path: 'data.person.name', code: 'TOO_LONG' },
    ]);
    expect(JSON.parse(fineAnswer.text).results[0].status).toBe('accepted');
    expect(document.status).toBe(200);
  });

  it('reads a GBK body declared as such, and refuses bytes that are not what they claim', async () => {
    // GB18030/GBK bytes of 天目山路495号
    const gbkAddress = Buffer.from('ccecc4bfc9bdc2b7343935bac5', 'hex');
    const record = (detail: string) => ({
      kind: 'rental-property',
      data: {
        // ASCII around the address, so the whole body is GBK with only the address in Chinese.
        owner: { name: 'Wang Fang', idNumber: idNumberFor('330106', '1968-04-15', 311) },
        address: { divisionCode: '330106', detail },
      },
    });
    const [before, after] = JSON.stringify({ records: [record('@')] }).split('@') as [string, string];
    const gbkBody = Buffer.concat([Buffer.from(before), gbkAddress, Buffer.from(after)]);

    const asGbk = await postRecords(gbkBody, 'application/json; charset=gbk', LANDLORD);
    const sameInUtf8 = await postRecords(
      JSON.stringify({ records: [record('天目山路495号')] }),
      'application/json',
      LANDLORD,
    );
    const undeclared = await postRecords(gbkBody, 'application/json', LANDLORD);

    expect(JSON.parse(asGbk.text).results[0]).toMatchObject({ status: 'accepted' });
    // The same content: the GBK text was stored as 天目山路495号, not as replacement characters.
    expect(JSON.parse(sameInUtf8.text).results[0]).toMatchObject({ status: 'unchanged' });
    expect(undeclared.status).toBe(400);
    expect(JSON.parse(undeclared.text).code).toBe('BODY_NOT_DECODABLE');
  });

  it('answers an audit range that ends before it starts with 400', async () => {
    const answer = await send('/v1/audit?from=2026-12-01&to=2026-01-01', { method: 'GET' });

    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).errors).toMatchObject([{ path: 'to', code: 'DATE_RANGE' }]);
  });

  it('refuses a token whose submitter id is an ID number in disguise', async () => {
    const key = await readSigningKey({ stateDir: hub.stateDir });
    const id = idNumberFor('330106', '1990-03-07', 123);
    const token = await issueToken(key, { sub: 'u-1', submitter_id: `ID:${id}`, role: 'landlord' });

    const response = await fetch(`${hub.endpoints.apiUrl}/v1/records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ records: [] }),
    });

    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain(id);
  });
});
