import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryLog, DeliveryTally } from '#functions/adapters/delivery-log.ts';
import type { SubmitterContext } from '#functions/http/submitter-context.ts';
import type { createQueryHandler } from '#functions/query/handler.ts';
import { localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { lambdaContext } from '#local/lambda-context.ts';
import {
  derivedWorld,
  employment,
  type FakeBus,
  personKey,
  registration,
  startFakeBus,
} from '../../helpers/derived-world.ts';
import { httpEvent } from '../../helpers/query-event.ts';
import { idNumberFor } from '../../helpers/sample-people.ts';

const HEALTH = { sub: 'health-xihu-clinic-desk', role: 'department', department: 'health' };
const POLICE = { sub: 'police-xihu-desk', role: 'department', department: 'public-security', audit: 'true' };
const HEALTH_AUDITOR = { sub: 'health-dpo', role: 'department', department: 'health', audit: 'true' };
const SUPERVISOR = { sub: 'province-dpo', role: 'department', department: 'public-security', audit: 'all' };
const LANDLORD = { sub: 'landlord-1', role: 'landlord' };
const NO_DEPARTMENT = { sub: 'dept-unnamed', role: 'department' };

const ID = idNumberFor('341222', '1990-03-07', 123);
const MOVED_IN = '2025-03-01';

let emulator: DynamoDbEmulator;
let client: DynamoDBClient;
let bus: FakeBus;
let query: ReturnType<typeof createQueryHandler>;
let deliveries: DeliveryLog;
const clock = { now: new Date('2025-10-01T02:00:00Z') };

beforeAll(async () => {
  emulator = await startDynamoDb();
  client = localDynamoDbClient(emulator.endpoint);
  bus = await startFakeBus();
  const world = await derivedWorld(client, emulator.changes, bus, clock);
  for (const event of await world.submit([registration(ID, MOVED_IN), employment(ID, '2025-03-03')]))
    await world.derive(event);
  await world.settle();
  deliveries = new DeliveryLog(client, world.tableName);
  query = world.query();
});

afterAll(async () => {
  bus?.server.close();
  await emulator?.close();
});

const call = async (event: ReturnType<typeof httpEvent>) => {
  const response = await query(event, lambdaContext('query') as SubmitterContext);
  return {
    status: response.statusCode,
    type: response.headers?.['content-type'],
    body: JSON.parse(response.body ?? 'null'),
    text: response.body ?? '',
  };
};
const lookup = (claims: Record<string, string>, body: unknown) =>
  call(httpEvent({ method: 'POST', path: '/v1/persons/lookup', body, claims }));
const audit = (claims: Record<string, string>, query: Record<string, string>) =>
  call(httpEvent({ method: 'GET', path: '/v1/audit', query, claims }));
const deliveryLog = (claims: Record<string, string>, query: Record<string, string>) =>
  call(httpEvent({ method: 'GET', path: '/v1/deliveries', query, claims }));
const stats = (claims: Record<string, string>, query: Record<string, string>) =>
  call(httpEvent({ method: 'GET', path: '/v1/stats', query, claims }));

describe('POST /v1/persons/lookup', () => {
  it('answers health with contact and address, eligibility and points, never the ID number or employer', async () => {
    // Act
    const { status, body, text } = await lookup(HEALTH, { idNumber: ID });

    // Assess
    expect(status).toBe(200);
    expect(body.personKey).toBe(personKey(ID));
    expect(Object.keys(body.profile).sort()).toEqual(['departures', 'permits', 'person', 'residences']);
    expect(body.profile.person).toEqual({ name: '张伟', gender: 'male', birthDate: '1990-03-07' });
    expect(body.eligibility).toMatchObject({
      asOf: '2025-10-01',
      eligible: true,
      eligibleFrom: '2025-09-01',
    });
    expect(body.eligibility.conditions.employment).toEqual({ met: true, evidence: [] });
    expect(body.points).toMatchObject({ city: '3301', example: true });
    expect(typeof body.points.total).toBe('number');
    expect(text).not.toContain(ID);
    expect(text).not.toContain('91330106MA2711111A');
  });

  it('answers public security with the ID number and the hukou, and no employment', async () => {
    const { status, body } = await lookup(POLICE, { idNumber: ID.toLowerCase() });

    expect(status).toBe(200);
    expect(body.profile.person).toMatchObject({ idNumber: ID, hukouDivisionCode: '341222' });
    expect(body.profile).not.toHaveProperty('employments');
    expect(body.profile.residences[0]).toMatchObject({ movedInOn: MOVED_IN, residenceType: 'rented' });
  });

  it('evaluates eligibility and points as of a requested day', async () => {
    const { body } = await lookup(HEALTH, { idNumber: ID, asOf: '2025-08-31' });

    expect(body.eligibility).toMatchObject({
      asOf: '2025-08-31',
      eligible: false,
      eligibleFrom: '2025-09-01',
    });
    expect(body.points.asOf).toBe('2025-08-31');
  });

  it('answers 404 for a person the hub does not know', async () => {
    const { status, type, body } = await lookup(HEALTH, { idNumber: idNumberFor('330106', '1980-01-01', 1) });

    expect(status).toBe(404);
    expect(type).toBe('application/problem+json');
    expect(body.code).toBe('NOT_FOUND');
  });

  it('answers 403 to a caller that is no department, or does not name its department', async () => {
    expect((await lookup(LANDLORD, { idNumber: ID })).status).toBe(403);
    expect((await lookup(NO_DEPARTMENT, { idNumber: ID })).body).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
    });
  });

  it('answers 400 for an invalid ID number without echoing it, and for anything but { idNumber }', async () => {
    const invalid = await lookup(HEALTH, { idNumber: '330106199003071235' });
    const extra = await lookup(HEALTH, { idNumber: ID, name: '张伟' });
    const broken = await lookup(HEALTH, '{"idNumber":');

    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      code: 'INVALID_REQUEST',
      errors: [{ path: 'idNumber', code: 'ID_NUMBER_CHECKSUM' }],
    });
    expect(invalid.text).not.toContain('330106199003071235');
    expect(extra.body.errors).toMatchObject([{ code: 'FIELD_UNKNOWN' }]);
    expect(broken.body.code).toBe('MALFORMED_JSON');
  });
});

describe('GET /v1/audit', () => {
  it('lists every look-up of the department: who, when, which person, which fields, never the ID', async () => {
    // Prepare
    await lookup(HEALTH, { idNumber: ID });

    // Act
    const { status, body, text } = await audit(HEALTH_AUDITOR, { from: '2025-01-01' });

    // Assess
    expect(status).toBe(200);
    expect(body.department).toBe('health');
    const found = body.entries.filter((e: { found: boolean }) => e.found);
    expect(found.length).toBeGreaterThanOrEqual(2);
    expect(found[0]).toMatchObject({
      department: 'health',
      submitterId: HEALTH.sub,
      personKey: personKey(ID),
      found: true,
    });
    expect(found[0].fields).toContain('profile.person.name');
    expect(found[0].fields).not.toContain('profile.person.idNumber');
    expect(body.entries.some((e: { found: boolean }) => !e.found)).toBe(true);
    expect(text).not.toContain(ID);
  });

  it('pages through the trail with a cursor', async () => {
    const first = await audit(HEALTH_AUDITOR, { from: '2025-01-01', limit: '1' });
    const second = await audit(HEALTH_AUDITOR, {
      from: '2025-01-01',
      limit: '1',
      cursor: first.body.nextCursor,
    });

    expect(first.body.entries).toHaveLength(1);
    expect(second.body.entries).toHaveLength(1);
    expect(second.body.entries[0]).not.toEqual(first.body.entries[0]);
  });

  it('refuses a caller without an audit right, and another department’s trail to an own-department right', async () => {
    expect((await audit(HEALTH, { from: '2025-01-01' })).status).toBe(403);
    expect((await audit(POLICE, { from: '2025-01-01', department: 'health' })).status).toBe(403);
    expect((await audit(SUPERVISOR, { from: '2025-01-01', department: 'health' })).status).toBe(200);
    expect((await audit(HEALTH_AUDITOR, {})).status).toBe(400);
  });

  it('answers a range that ends before it starts with 400 DATE_RANGE, not a store error (defect 4)', async () => {
    const { status, body } = await audit(HEALTH_AUDITOR, { from: '2026-12-01', to: '2026-01-01' });

    expect(status).toBe(400);
    expect(body).toMatchObject({ code: 'INVALID_REQUEST', errors: [{ path: 'to', code: 'DATE_RANGE' }] });
  });

  it('reads a one-day range, a day that holds its own start, and refuses a cursor from another range', async () => {
    const first = await audit(HEALTH_AUDITOR, { from: '2025-01-01', limit: '1' });
    const day = String(first.body.entries[0].at).slice(0, 10);

    const sameDay = await audit(HEALTH_AUDITOR, { from: `${day}T00:00:00Z`, to: day });
    const otherRange = await audit(HEALTH_AUDITOR, {
      from: '2020-01-01',
      to: '2020-12-31',
      cursor: first.body.nextCursor,
    });

    expect(sameDay.status).toBe(200);
    expect(sameDay.body.entries.length).toBeGreaterThan(0);
    expect(otherRange.status).toBe(400);
    expect(otherRange.body.errors).toMatchObject([{ path: 'cursor', code: 'VALUE_INVALID' }]);
  });
});

describe('GET /v1/stats', () => {
  it('returns the county’s statistics with the coordinators required, to any department caller', async () => {
    const { status, body } = await stats(HEALTH, { division: '330106', asOf: '2026-01-15' });

    expect(status).toBe(200);
    expect(body).toMatchObject({
      division: '330106',
      asOf: '2026-01-15',
      registered: 1,
      employment: { employed: 1, notEmployed: 0 },
      byResidenceType: { rented: 1 },
      lengthOfResidence: { sixTo12Months: 1 },
      coordinatorsRequired: 1,
    });
    expect((await stats(NO_DEPARTMENT, { division: '330100' })).body).toMatchObject({
      division: '330100',
      registered: 1,
    });
  });

  it('answers 400 for a division that is not a known code, and 403 to a non-department', async () => {
    expect((await stats(HEALTH, { division: '999999' })).body).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
    });
    expect((await stats(HEALTH, {})).status).toBe(400);
    expect((await stats(LANDLORD, { division: '330106' })).status).toBe(403);
  });
});

describe('GET /v1/deliveries', () => {
  it('sums what each path carried to a subscriber, per China day and event type', async () => {
    // Prepare: two batches of one day (23:30 UTC is the next day in China), another subscriber, another day.
    const tally = new DeliveryTally(deliveries);
    const created = 'ResidenceRegistration.Created';
    tally.count('public-security@3301', created, 'delivered', new Date('2025-09-30T23:30:00Z'), 3);
    tally.count('public-security@3301', created, 'backfilled', new Date('2025-10-01T08:00:00Z'), 2);
    tally.count('public-security@3301', 'Tenancy.Updated', 'deadLettered', new Date('2025-10-01T09:00:00Z'));
    tally.count('public-security', created, 'delivered', new Date('2025-10-01T09:00:00Z'), 7);
    tally.count('public-security@3301', created, 'delivered', new Date('2025-10-02T09:00:00Z'));
    await tally.flush();
    tally.count('public-security@3301', created, 'redriven', new Date('2025-10-01T10:00:00Z'), 1);
    await tally.flush();

    // Act
    const { status, body } = await deliveryLog(POLICE, {
      subscriber: 'public-security@3301',
      from: '2025-10-01',
    });

    // Assess
    expect(status).toBe(200);
    expect(body.days).toEqual([
      {
        day: '2025-10-01',
        eventType: created,
        delivered: 3,
        deadLettered: 0,
        redriven: 1,
        backfilled: 2,
        replayed: 0,
      },
      {
        day: '2025-10-01',
        eventType: 'Tenancy.Updated',
        delivered: 0,
        deadLettered: 1,
        redriven: 0,
        backfilled: 0,
        replayed: 0,
      },
    ]);
    expect(body.totals).toEqual({ delivered: 3, deadLettered: 1, redriven: 1, backfilled: 2, replayed: 0 });
  });

  it('follows the audit right: own department’s subscribers, or all with "all"', async () => {
    const range = { from: '2025-10-01', to: '2025-10-02' };
    expect((await deliveryLog(HEALTH, { subscriber: 'health', ...range })).status).toBe(403);
    expect((await deliveryLog(HEALTH_AUDITOR, { subscriber: 'health@330106', ...range })).status).toBe(200);
    expect((await deliveryLog(HEALTH_AUDITOR, { subscriber: 'public-security', ...range })).status).toBe(403);
    expect((await deliveryLog(SUPERVISOR, { subscriber: 'health', ...range })).status).toBe(200);
    expect(
      (await deliveryLog(POLICE, { subscriber: 'public-security', from: '2025-10-02', to: '2025-10-01' }))
        .status,
    ).toBe(400);
    expect((await deliveryLog(POLICE, { subscriber: 'Police!', from: '2025-10-01' })).status).toBe(400);
  });
});
