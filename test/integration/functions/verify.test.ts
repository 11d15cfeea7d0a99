import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permitKeyOf } from '#domain/person-key.ts';
import { AuditStore } from '#functions/adapters/audit-store.ts';
import type { SubmitterContext } from '#functions/http/submitter-context.ts';
import type { createQueryHandler } from '#functions/query/handler.ts';
import { localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { lambdaContext } from '#local/lambda-context.ts';
import {
  CARD_ISSUER,
  derivedWorld,
  type FakeBus,
  personKey,
  registration,
  residencePermit,
  SECRET,
  startFakeBus,
} from '../../helpers/derived-world.ts';
import { httpEvent } from '../../helpers/query-event.ts';
import { idNumberFor } from '../../helpers/sample-people.ts';

// Legal aid (法律援助) has no system of its own: it verifies permits and sees nothing else.
const LEGAL_AID = { sub: 'legal-aid-xihu-desk', role: 'department', department: 'justice', audit: 'true' };
const RESIDENT = { sub: 'resident-1', role: 'resident', id_number: '330106199003071236' };

const VALID = idNumberFor('341222', '1990-03-07', 123);
const ENDORSED = idNumberFor('341222', '1991-04-08', 135);
const SUSPENDED = idNumberFor('341222', '1992-05-09', 147);
const REVOKED = idNumberFor('341222', '1993-06-10', 159);
const UNKNOWN = idNumberFor('341222', '1994-07-11', 171);
const NUMBER = { valid: 'ZJ3301062024000001', endorsed: 'ZJ3301062023000002', revoked: 'ZJ3301062024000004' };
const clock = { now: new Date('2025-10-01T02:00:00Z') };

let emulator: DynamoDbEmulator;
let client: DynamoDBClient;
let bus: FakeBus;
let world: Awaited<ReturnType<typeof derivedWorld>>;
let query: ReturnType<typeof createQueryHandler>;

beforeAll(async () => {
  emulator = await startDynamoDb();
  client = localDynamoDbClient(emulator.endpoint);
  bus = await startFakeBus();
  world = await derivedWorld(client, emulator.changes, bus, clock);
  const events = await world.submit([
    registration(VALID, '2024-01-01'),
    residencePermit(VALID, NUMBER.valid, '2025-03-10', '2026-03-09'),
    // Issued 2023, lapsed 2024-02-01, endorsed again on 2024-03-01 until 2026-02-28.
    residencePermit(ENDORSED, NUMBER.endorsed, '2023-02-01', '2026-02-28', {
      endorsements: [{ endorsedOn: '2024-03-01', endorsedUntil: '2026-02-28' }],
    }),
    // Endorsed until 2025-09-09: suspended by time since 2025-09-10.
    residencePermit(SUSPENDED, 'ZJ3301062024000003', '2024-09-10', '2025-09-09'),
    residencePermit(REVOKED, NUMBER.revoked, '2024-09-10', '2026-09-09', { status: 'revoked' }),
  ]);
  for (const event of events) await world.derive(event);
  await world.settle();
  query = world.query();
});

afterAll(async () => {
  bus?.server.close();
  await emulator?.close();
});

const verify = async (body: unknown, claims: Record<string, string> = LEGAL_AID) => {
  const response = await query(
    httpEvent({ method: 'POST', path: '/v1/permits/verify', body, claims }),
    lambdaContext('query') as SubmitterContext,
  );
  return {
    status: response.statusCode,
    body: JSON.parse(response.body ?? 'null'),
    text: response.body ?? '',
  };
};

describe('POST /v1/permits/verify', () => {
  it.each([
    ['a permit in force', VALID, { valid: true, endorsedUntil: '2026-03-09', city: '330100' }],
    [
      'a permit endorsed again after a lapse',
      ENDORSED,
      { valid: true, endorsedUntil: '2026-02-28', city: '330100' },
    ],
    [
      'a permit whose endorsement lapsed',
      SUSPENDED,
      { valid: false, endorsedUntil: '2025-09-09', city: '330100', reason: 'suspended' },
    ],
    [
      'a revoked permit',
      REVOKED,
      { valid: false, endorsedUntil: '2026-09-09', city: '330100', reason: 'revoked' },
    ],
    ['someone unknown', UNKNOWN, { valid: false, reason: 'none' }],
  ])('answers %s by ID number, and nothing else', async (_, idNumber, expected) => {
    const { status, body, text } = await verify({ idNumber });

    expect(status).toBe(200);
    expect(body).toStrictEqual(expected);
    expect(Object.keys(body).every((key) => ['valid', 'endorsedUntil', 'city', 'reason'].includes(key))).toBe(
      true,
    );
    expect(text).not.toContain(idNumber);
  });

  it('answers by the permit number, spaces and case as printed, and for another day', async () => {
    expect((await verify({ permitNumber: 'zj 3301062024 000001' })).body).toStrictEqual({
      valid: true,
      endorsedUntil: '2026-03-09',
      city: '330100',
    });
    expect((await verify({ permitNumber: NUMBER.valid, asOf: '2026-03-10' })).body).toMatchObject({
      valid: false,
      reason: 'suspended',
    });
    expect((await verify({ permitNumber: NUMBER.valid, asOf: '2025-03-01' })).body).toStrictEqual({
      valid: false,
      reason: 'none',
    });
    expect((await verify({ permitNumber: NUMBER.revoked })).body).toMatchObject({ reason: 'revoked' });
    expect((await verify({ permitNumber: 'ZJ9999999999999999' })).body).toStrictEqual({
      valid: false,
      reason: 'none',
    });
  });

  it('audits every call like a look-up: who, which person, which fields, never a number', async () => {
    // Prepare: the clock stands still in this file, so this test's entries are those not in the trail before
    const audit = new AuditStore(client, world.tableName);
    const earlier = new Set(
      (await audit.list('justice', { from: '2025-10-01', limit: 1000 })).entries.map((e) =>
        JSON.stringify(e),
      ),
    );

    // Act
    await verify({ idNumber: VALID });
    await verify({ permitNumber: 'ZJ0000000000000000' });

    // Assess
    const trail = await audit.list('justice', { from: '2025-10-01', limit: 1000 });
    const added = trail.entries.filter((e) => !earlier.has(JSON.stringify(e)));
    expect(added).toHaveLength(2);
    const byId = added.find((e) => e.personKey === personKey(VALID));
    const byNumber = added.find((e) => e.personKey === permitKeyOf('ZJ0000000000000000', SECRET));
    expect(byId).toMatchObject({
      department: 'justice',
      submitterId: 'legal-aid-xihu-desk',
      personKey: personKey(VALID),
      found: true,
      operation: 'verify',
      fields: ['city', 'endorsedUntil', 'valid'],
    });
    expect(byNumber).toMatchObject({
      personKey: permitKeyOf('ZJ0000000000000000', SECRET),
      found: false,
      operation: 'verify',
      fields: ['reason', 'valid'],
    });
    expect(JSON.stringify(trail)).not.toContain(VALID);
    expect(JSON.stringify(trail)).not.toContain('ZJ0000000000000000');
  });

  it('refuses a request with neither or both numbers, a caller that is not a department, a department unnamed', async () => {
    const neither = await verify({ asOf: '2025-10-01' });
    const both = await verify({ idNumber: VALID, permitNumber: NUMBER.valid });

    expect(neither).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    expect(neither.body.errors).toEqual([expect.objectContaining({ code: 'ONE_OF_REQUIRED' })]);
    expect(both.status).toBe(400);
    expect(both.text).not.toContain(VALID);
    expect((await verify({ idNumber: VALID }, RESIDENT)).status).toBe(403);
    expect((await verify({ idNumber: VALID }, { sub: 'dept-x', role: 'department' })).status).toBe(403);
  });
});

/** A link of the valid permit's number to a card of `holder`. */
const cardLink = (holder: string, cardType: string) => ({
  kind: 'card-link',
  data: {
    permitNumber: NUMBER.valid,
    holder: { idNumber: holder, name: '张伟' },
    cardType,
    cardNumber: 'HZ0012345678',
    divisionCode: '330100',
    linkedOn: '2025-09-20',
  },
});

describe('permit numbers belong to one holder', () => {
  it('refuses a permit, and a card link, that names a number another person holds', async () => {
    const { results } = await world.post([
      residencePermit(UNKNOWN, NUMBER.valid, '2025-09-01', '2026-08-31'),
    ]);
    const link = await world.post([cardLink(UNKNOWN, 'social-security-card')], CARD_ISSUER);

    expect(results[0]).toMatchObject({
      status: 'rejected',
      errors: [{ path: 'data.permitNumber', code: 'PERMIT_NUMBER_TAKEN' }],
    });
    expect(link.results[0]).toMatchObject({ status: 'rejected', errors: [{ code: 'PERMIT_NUMBER_TAKEN' }] });
    expect(JSON.stringify(results)).not.toContain(NUMBER.valid);
    expect(await world.permitNumbers.holderOf(permitKeyOf(NUMBER.valid, SECRET))).toBe(personKey(VALID));
  });

  it("accepts the holder's own card link, and an endorsement of the permit under the same number", async () => {
    const link = await world.post([cardLink(VALID, 'citizen-card')], CARD_ISSUER);
    const endorsed = await world.post([
      residencePermit(VALID, NUMBER.valid, '2025-03-10', '2027-03-09', {
        endorsements: [{ endorsedOn: '2025-09-30', endorsedUntil: '2027-03-09' }],
      }),
    ]);

    expect(link.results[0]?.status).toBe('accepted');
    expect(endorsed.results[0]).toMatchObject({ status: 'accepted', version: 2 });
  });
});
