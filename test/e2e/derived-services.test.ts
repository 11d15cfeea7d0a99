import { readFileSync } from 'node:fs';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, chinaDateOf } from '#domain/dates.ts';
import { localSqsClient } from '#local/emulators/clients.ts';
import { settleHub, takeAllMessages } from '#local/queue-tools.ts';
import { type HubProcess, startHubProcess } from '../helpers/hub-process.ts';
import { draft7Validator } from '../helpers/json-schema.ts';
import { idNumberFor } from '../helpers/sample-people.ts';

// The derived services through `npm start`'s hub over real HTTP: records in, the derive rule on the local bus,
// department look-ups, the audit trail, the statistics, and the daily evaluation "as of" a later day.

const REPORTER = 'dept-public-security-xihu'; // role department: may submit every kind; has an audit right
const POLICE = 'dept-public-security-xihu';
const HEALTH = 'dept-health-xihu';
const EMPLOYER = { creditCode: '91330106MA2711111A', name: '杭州西湖科技有限公司', divisionCode: '330106' };

// Settled long ago: eligible today. Moved in five months ago: eligible on the day six months are reached.
const SETTLED = idNumberFor('341222', '1988-02-03', 321);
const NEWCOMER = idNumberFor('341222', '1997-11-12', 343);
// Relative to the hub's own today (records may not be dated in the future); nothing asserts on the clock.
const today = chinaDateOf(new Date().toISOString());
const NEWCOMER_MOVED_IN = addMonths(today, -5);
const NEWCOMER_ELIGIBLE_FROM = addMonths(NEWCOMER_MOVED_IN, 6);

let hub: HubProcess;
let sqs: SQSClient;

beforeAll(async () => {
  hub = await startHubProcess();
  sqs = localSqsClient(hub.endpoints.sqsEndpoint);
});

afterAll(async () => {
  sqs?.destroy();
  expect(await hub?.stop()).toBe(0);
});

// biome-ignore lint/suspicious/noExplicitAny: JSON answers of several shapes, checked by the assertions.
type Json = any;

async function request(
  method: 'GET' | 'POST',
  path: string,
  submitterId: string | undefined,
  body?: unknown,
) {
  const response = await fetch(`${hub.endpoints.apiUrl}${path}`, {
    method,
    headers: {
      ...(submitterId ? { authorization: `Bearer ${hub.endpoints.tokens[submitterId]}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Json,
  };
}

const records = (...entries: unknown[]) => request('POST', '/v1/records', REPORTER, { records: entries });
const lookup = (submitterId: string, idNumber: string) =>
  request('POST', '/v1/persons/lookup', submitterId, { idNumber });

function registration(idNumber: string, movedInOn: string) {
  return {
    kind: 'residence-registration',
    data: {
      person: { idNumber, name: '陈静', hukouDivisionCode: '341222', phone: '13912345678' },
      address: { divisionCode: '330106', detail: '文三路90号3幢2单元301室' },
      residenceType: 'rented',
      reason: 'work',
      movedInOn,
    },
  };
}

function employment(idNumber: string, startsOn: string) {
  return {
    kind: 'employment',
    data: { person: { idNumber, name: '陈静' }, employer: EMPLOYER, contractType: 'open-ended', startsOn },
  };
}

/** The derived events' AsyncAPI document (npm run docs), which every event the hub delivers must fit. */
const derivedContract = JSON.parse(readFileSync('docs/asyncapi/derived-events.json', 'utf8')) as {
  components: { messages: Record<string, { payload: object }> };
};
const ajv = draft7Validator();

async function derivedEvents(): Promise<Array<{ 'detail-type': string; detail: Record<string, unknown> }>> {
  await settleHub(hub.endpoints.apiUrl);
  const messages = await takeAllMessages(sqs, hub.endpoints.derivedEventsQueue ?? '');
  const events = messages.map((m: Message) => JSON.parse(m.Body ?? '{}'));
  for (const event of events) {
    const message = derivedContract.components.messages[event['detail-type']];
    expect(message, `${event['detail-type']} is in docs/asyncapi/derived-events.json`).toBeDefined();
    const validate = ajv.compile(message?.payload ?? {});
    expect(validate(event), ajv.errorsText(validate.errors)).toBe(true);
  }
  return events;
}

describe('derived services on the local hub', () => {
  it('flags the late registration, then shows the settled worker eligible to a department look-up', async () => {
    // Prepare
    const stored = await records(registration(SETTLED, '2025-01-02'), employment(SETTLED, '2025-01-06'));
    await settleHub(hub.endpoints.apiUrl);

    // Act
    const health = await lookup(HEALTH, SETTLED);

    // Assess
    expect(stored.body.results[0]).toMatchObject({
      status: 'accepted',
      errors: [],
      flags: [{ code: 'LATE_REPORT' }],
    });
    expect(health.status).toBe(200);
    expect(health.body.eligibility).toMatchObject({ eligible: true, eligibleFrom: '2025-07-02' });
    expect(health.body.eligibility.conditions.employment.met).toBe(true);
    expect(health.body.points).toMatchObject({ city: '3301', example: true });
  });

  it('cuts the look-up to each department: health sees no ID number and no employer, police see the ID', async () => {
    const health = await lookup(HEALTH, SETTLED);
    const police = await lookup(POLICE, SETTLED);

    expect(Object.keys(health.body.profile.person).sort()).toEqual(['birthDate', 'gender', 'name', 'phone']);
    expect(JSON.stringify(health.body)).not.toContain(SETTLED);
    expect(JSON.stringify(health.body)).not.toContain(EMPLOYER.creditCode);
    expect(police.body.profile.person).toMatchObject({ idNumber: SETTLED, hukouDivisionCode: '341222' });
    expect(Object.keys(police.body.profile).sort()).not.toEqual(Object.keys(health.body.profile).sort());
    expect(police.body.personKey).toBe(health.body.personKey);
  });

  it('makes the newcomer eligible on the evaluation "as of" the day six months are reached, with an event', async () => {
    // Prepare
    await records(registration(NEWCOMER, NEWCOMER_MOVED_IN), employment(NEWCOMER, NEWCOMER_MOVED_IN));
    await settleHub(hub.endpoints.apiUrl);
    const before = await lookup(HEALTH, NEWCOMER);
    const personKey = before.body.personKey as string;
    await derivedEvents(); // start from an empty debug queue

    // Act
    const dayBefore = await request('POST', '/_local/evaluate', undefined, {
      asOf: addDays(NEWCOMER_ELIGIBLE_FROM, -1),
    });
    const quiet = await derivedEvents();
    const onTheDay = await request('POST', '/_local/evaluate', undefined, { asOf: NEWCOMER_ELIGIBLE_FROM });
    const events = await derivedEvents();

    // Assess
    expect(before.body.eligibility).toMatchObject({ eligible: false, eligibleFrom: NEWCOMER_ELIGIBLE_FROM });
    expect(dayBefore.body).toMatchObject({ changed: 0 });
    expect(quiet).toEqual([]);
    expect(onTheDay.status).toBe(200);
    expect(onTheDay.body).toMatchObject({ asOf: NEWCOMER_ELIGIBLE_FROM, evaluated: 1, changed: 1 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      source: 'residence-data-hub.derived',
      'detail-type': 'PermitEligibility.Changed',
      detail: { personKey, eligible: true, eligibleFrom: NEWCOMER_ELIGIBLE_FROM, cause: 'time' },
    });
  });

  it('keeps an audit trail of the look-ups, readable with an audit right only', async () => {
    const trail = await request('GET', `/v1/audit?from=${addDays(today, -1)}`, POLICE);
    const refused = await request('GET', `/v1/audit?from=${addDays(today, -1)}`, HEALTH);
    const other = await request('GET', `/v1/audit?from=${addDays(today, -1)}&department=health`, POLICE);

    expect(trail.status).toBe(200);
    expect(trail.body.entries).toHaveLength(1);
    expect(trail.body.entries[0]).toMatchObject({
      submitterId: POLICE,
      department: 'public-security',
      found: true,
    });
    expect(trail.body.entries[0].fields).toContain('profile.person.idNumber');
    expect(JSON.stringify(trail.body)).not.toContain(SETTLED);
    expect(refused).toMatchObject({ status: 403, type: 'application/problem+json' });
    expect(other.status).toBe(403);
  });

  it('counts both people in the county statistics, and refuses a bad division', async () => {
    const stats = await request('GET', '/v1/stats?division=330106', HEALTH);
    const bad = await request('GET', '/v1/stats?division=12345', HEALTH);

    expect(stats.body).toMatchObject({
      division: '330106',
      registered: 2,
      employment: { employed: 2, notEmployed: 0 },
      byResidenceType: { rented: 2 },
    });
    expect(stats.body.lengthOfResidence.under6Months).toBe(1);
    expect(bad).toMatchObject({ status: 400, type: 'application/problem+json' });
  });

  it('dead-letters nothing: every event was derived', async () => {
    await settleHub(hub.endpoints.apiUrl);
    expect(await takeAllMessages(sqs, hub.endpoints.deadLetterQueues.derive ?? '')).toEqual([]);
  });
});
