import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statsView } from '#domain/stats.ts';
import { localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import {
  derivedEvents,
  derivedWorld,
  employment,
  type FakeBus,
  permitApplication,
  personKey,
  registration,
  residencePermit,
  startFakeBus,
} from '../../helpers/derived-world.ts';
import { idNumberFor } from '../../helpers/sample-people.ts';

let emulator: DynamoDbEmulator;
let client: DynamoDBClient;
let bus: FakeBus;
const clock = { now: new Date('2025-07-21T02:00:00Z') };

beforeAll(async () => {
  emulator = await startDynamoDb();
  client = localDynamoDbClient(emulator.endpoint);
  bus = await startFakeBus();
});

afterAll(async () => {
  bus?.server.close();
  await emulator?.close();
});

/** A worker who moved into the employer's dormitory on 2025-01-10 with a contract: eligible from 2025-07-10. */
const dormitoryWorker = (id: string) => [
  registration(id, '2025-01-10', { residenceType: 'employer-dormitory' }),
  employment(id, '2025-01-10'),
];

describe('applications: stored whatever the rules say, flagged when they do not (yet) support the applicant', () => {
  it('flags ELIGIBLE_FROM the day before, nothing on the day, ELIGIBILITY_NOT_MET for someone unknown', async () => {
    // Prepare
    const world = await derivedWorld(client, emulator.changes, bus, clock);
    const id = idNumberFor('341222', '1999-06-18', 157);
    const stranger = idNumberFor('341222', '1998-01-02', 211);
    for (const event of await world.submit(dormitoryWorker(id))) await world.derive(event);

    // Act
    const { results } = await world.post([
      permitApplication(id, '2025-07-09'),
      permitApplication(id, '2025-07-10'),
      permitApplication(stranger, '2025-07-10'),
    ]);

    // Assess
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(results[0]?.flags).toEqual([{ code: 'ELIGIBLE_FROM', eligibleFrom: '2025-07-10' }]);
    expect(results[1]).not.toHaveProperty('flags');
    expect(results[2]?.flags).toEqual([
      { code: 'ELIGIBILITY_NOT_MET', missing: ['residence6Months', 'employment', 'housing', 'schooling'] },
    ]);
    expect(await world.records.getRecord(results[2]?.recordId ?? '')).toMatchObject({
      kind: 'permit-application',
    });
  });

  it('refuses an application by a resident for someone else, and by a coordinator outside its divisions', async () => {
    const world = await derivedWorld(client, emulator.changes, bus, clock);
    const id = idNumberFor('341222', '1999-06-18', 157);
    const other = idNumberFor('341222', '1990-02-02', 113);

    const resident = await world.post([permitApplication(other, '2025-07-10')], {
      sub: 'resident-1',
      role: 'resident',
      id_number: id,
    });
    const ningbo = await world.post([permitApplication(id, '2025-07-10')], {
      sub: 'coordinator-yinzhou',
      role: 'coordinator',
      divisions: '[330212]',
    });
    const xihu = await world.post([permitApplication(id, '2025-07-10', { channel: 'coordinator' })], {
      sub: 'coordinator-xihu',
      role: 'coordinator',
      divisions: '[330106]',
    });

    expect(resident.results[0]).toMatchObject({ status: 'rejected', errors: [{ code: 'SUBJECT_MISMATCH' }] });
    expect(ningbo.results[0]).toMatchObject({ status: 'rejected', errors: [{ code: 'NOT_IN_DIVISIONS' }] });
    expect(xihu.results[0]).toMatchObject({ status: 'accepted' });
  });
});

describe('the daily evaluation of permits', () => {
  it('emits EndorsementDue 30 days before endorsedUntil and Suspended the day after it passed; an endorsement ends it', async () => {
    // Prepare: issued 2025-07-20, endorsed until 2026-07-19; notice from 2026-06-19, lapsed on 2026-07-20
    clock.now = new Date('2025-07-21T02:00:00Z');
    const world = await derivedWorld(client, emulator.changes, bus, clock);
    const id = idNumberFor('341222', '1999-06-18', 157);
    const permit = residencePermit(id, 'ZJ3301062025000157', '2025-07-20', '2026-07-19');
    for (const event of await world.submit([...dormitoryWorker(id), permit])) await world.derive(event);
    await world.settle();
    const key = personKey(id);
    const noticesSince = (from: number) =>
      bus.entries
        .slice(from)
        .map((e) => e.DetailType)
        .filter((type) => type?.startsWith('ResidencePermit.'));
    expect((await world.profiles.get(key))?.reviewOn).toBe('2026-06-19');

    // Act / Assess: nothing the day before the notice
    let mark = bus.entries.length;
    await world.derive.evaluateDue({ asOf: '2026-06-18' });
    await world.settle();
    expect(noticesSince(mark)).toEqual([]);

    // the notice on its day, once
    mark = bus.entries.length;
    await world.derive.evaluateDue({ asOf: '2026-06-19' });
    await world.settle();
    expect(noticesSince(mark)).toEqual(['ResidencePermit.EndorsementDue']);
    const [due] = derivedEvents(bus, 'ResidencePermit.EndorsementDue').slice(-1);
    expect(due).toMatchObject({
      personKey: key,
      asOf: '2026-06-19',
      endorsedUntil: '2026-07-19',
      divisionCode: '330106',
      cause: 'time',
    });
    expect(JSON.stringify(due)).not.toContain('ZJ3301062025000157');

    // nothing on endorsedUntil itself, suspended the day after
    mark = bus.entries.length;
    await world.derive.evaluateDue({ asOf: '2026-07-19' });
    await world.settle();
    expect(noticesSince(mark)).toEqual([]);
    await world.derive.evaluateDue({ asOf: '2026-07-20' });
    await world.settle();
    expect(noticesSince(mark)).toEqual(['ResidencePermit.Suspended']);
    expect((await world.profiles.get(key))?.permitPhases).toEqual({ [due.recordId]: 'lapsed' });

    // an endorsement makes it valid again, and next year's notice is due on its own day
    clock.now = new Date('2026-07-25T02:00:00Z');
    mark = bus.entries.length;
    const endorsed = residencePermit(id, 'ZJ3301062025000157', '2025-07-20', '2027-07-19', {
      endorsements: [{ endorsedOn: '2026-07-25', endorsedUntil: '2027-07-19' }],
    });
    for (const event of await world.submit([endorsed])) await world.derive(event);
    await world.settle();
    const after = await world.profiles.get(key);
    expect(noticesSince(mark)).toEqual([]);
    expect(after?.permitPhases).toEqual({ [due.recordId]: 'valid' });
    expect(after?.reviewOn).toBe('2027-06-19');
  });
});

describe('the overdue-issuance count, from the person profiles', () => {
  it('counts per issuing county the applications a permit has not answered within 15 days', async () => {
    // Prepare: two applicants on 2025-07-01; one answered on the 10th, the other never
    clock.now = new Date('2025-07-21T02:00:00Z');
    const world = await derivedWorld(client, emulator.changes, bus, clock);
    const answered = idNumberFor('341222', '1999-06-18', 157);
    const waiting = idNumberFor('341222', '1990-02-02', 113);

    // Act
    const events = await world.submit([
      permitApplication(answered, '2025-07-01'),
      permitApplication(waiting, '2025-07-01'),
      residencePermit(answered, 'ZJ3301062025000157', '2025-07-10', '2026-07-09'),
    ]);
    for (const event of events) await world.derive(event);
    await world.settle();
    const counters = await world.stats.readCounters('330106');

    // Assess
    const view = (asOf: string) => statsView(counters, '330106', asOf).permitIssuance;
    expect(view('2025-07-16')).toEqual({
      pending: 1,
      overdue: 0,
      issued: 1,
      issuedLate: 0,
      deadlineDays: 15,
    });
    expect(view('2025-07-17')).toMatchObject({ pending: 1, overdue: 1 });
    expect(
      statsView(await world.stats.readCounters('330100'), '330100', '2025-07-17').permitIssuance,
    ).toMatchObject({
      overdue: 1,
    });
  });
});
