import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StatsFacts, statsContribution, sumContributions } from '#domain/stats.ts';
import { StatsStore } from '#functions/adapters/stats-store.ts';
import { ensureTable, localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { RECORDS_TABLE } from '#local/emulators/table-definition.ts';
import {
  businessLicense,
  departure,
  employment,
  insurance,
  noFacts,
  residence,
  schooling,
  sorted,
} from '../../unit/domain/stats-facts.ts';
import { allCounters, faultyClient, InjectedFault } from './stats-faults.ts';

// Random life events of a few people go through the store as profile versions — delivered late, twice,
// out of order, and sometimes through a caller that dies mid-way — and the counters must always end equal
// to a full recount of the final profiles.

/** Two counties of Hangzhou, one of Ningbo, one in another province. */
const COUNTIES = ['330106', '330108', '330205', '320102'] as const;
const RESIDENCE_TYPES = ['rented', 'owned', 'employer-dormitory', 'lodging', 'other'] as const;
const PEOPLE = 3;
const LEASE_MS = 60_000;

const dateArb = fc
  .record({
    year: fc.integer({ min: 2018, max: 2025 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
  })
  .map(({ year, month, day }) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);

type LifeEvent =
  | { type: 'moveIn'; county: string; residenceType: string }
  | { type: 'moveOut'; county: string }
  | { type: 'depart'; county: string }
  | { type: 'start'; what: 'job' | 'licence' | 'insurance' | 'school' }
  | { type: 'stop'; what: 'job' | 'licence' | 'insurance' | 'school'; pick: number }
  | { type: 'forget' };

const lifeEventArb: fc.Arbitrary<LifeEvent> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('moveIn' as const),
      county: fc.constantFrom(...COUNTIES),
      residenceType: fc.constantFrom(...RESIDENCE_TYPES),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constant('moveOut' as const), county: fc.constantFrom(...COUNTIES) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('depart' as const), county: fc.constantFrom(...COUNTIES) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('start' as const),
      what: fc.constantFrom('job', 'licence', 'insurance', 'school'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('stop' as const),
      what: fc.constantFrom('job', 'licence', 'insurance', 'school'),
      pick: fc.nat(3),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ type: 'forget' as const }) },
);

/** `arbitrary` in `percent` of the cases, null otherwise. */
const sometimes = <T>(percent: number, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: 100 - percent, arbitrary: fc.constant(null) }, { weight: percent, arbitrary });

/** One change of one person, and how its profile version is delivered. */
const stepArb = fc.record({
  person: fc.nat(PEOPLE - 1),
  event: lifeEventArb,
  on: dateArb,
  /** Delivered this many steps later, so later versions can overtake it (a quarter of the deliveries). */
  delay: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) },
  ),
  /** Delivered again this many steps later (a duplicate), or not. */
  duplicateAfter: sometimes(25, fc.nat(4)),
  /** The first delivery goes through a caller that fails at this request (and may die there), or not. */
  fault: sometimes(
    15,
    fc.record({ failAt: fc.integer({ min: 1, max: 40 }), after: fc.boolean(), dies: fc.boolean() }),
  ),
});
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

/** The person's facts after one life event (each event makes a new profile version, even a no-op). */
function applyEvent(
  before: StatsFacts | undefined,
  event: LifeEvent,
  on: string,
  serial: number,
): StatsFacts | undefined {
  if (event.type === 'forget') return undefined;
  const facts = structuredClone(before ?? noFacts());
  const id = { recordId: `record-${serial}` };
  switch (event.type) {
    case 'moveIn': {
      // One registration per person per county: a new move-in replaces the county's registration.
      facts.residences = facts.residences.filter((r) => r.divisionCode !== event.county);
      facts.residences.push(residence(event.county, on, { residenceType: event.residenceType }));
      break;
    }
    case 'moveOut': {
      const current = facts.residences.find(
        (r) => r.divisionCode === event.county && r.movedOutOn === undefined,
      );
      if (current) current.movedOutOn = on < current.movedInOn ? current.movedInOn : on;
      break;
    }
    case 'depart':
      facts.departures.push(departure(event.county, on));
      break;
    case 'start':
      if (event.what === 'job') facts.employments.push(employment(on, id));
      if (event.what === 'licence') facts.businessLicenses.push(businessLicense(on, id));
      if (event.what === 'insurance') facts.insurances.push(insurance(on, id));
      if (event.what === 'school') facts.schooling.push(schooling(on, id));
      break;
    case 'stop': {
      const pickActive = <T>(items: T[], isActive: (item: T) => boolean) => {
        const active = items.filter(isActive);
        return active[event.pick % Math.max(1, active.length)];
      };
      if (event.what === 'job') {
        const job = pickActive(facts.employments, (e) => e.endedOn === undefined);
        if (job) job.endedOn = on;
      }
      if (event.what === 'licence') {
        const licence = pickActive(facts.businessLicenses, (b) => b.revokedOn === undefined);
        if (licence) licence.revokedOn = on;
      }
      if (event.what === 'insurance') {
        const cover = pickActive(facts.insurances, (i) => i.stoppedOn === undefined);
        if (cover) cover.stoppedOn = on;
      }
      if (event.what === 'school') {
        const enrolment = pickActive(facts.schooling, (s) => s.leftOn === undefined);
        if (enrolment) enrolment.leftOn = on;
      }
      break;
    }
  }
  return facts;
}

interface Delivery {
  at: number;
  personKey: string;
  profileVersion: number;
  profile: StatsFacts | undefined;
  fault?: Step['fault'];
}

/** Every profile version of every person, with its deliveries, in delivery order. */
function plan(steps: readonly Step[], run: number) {
  const profiles: (StatsFacts | undefined)[] = Array.from({ length: PEOPLE }, () => undefined);
  const versions = Array.from({ length: PEOPLE }, () => 0);
  const deliveries: Delivery[] = [];
  steps.forEach((step, index) => {
    const profile = applyEvent(profiles[step.person], step.event, step.on, index);
    profiles[step.person] = profile;
    versions[step.person] = (versions[step.person] ?? 0) + 1;
    const base = {
      personKey: `run-${run}-person-${step.person}`,
      profileVersion: versions[step.person] ?? 0,
      profile,
    };
    deliveries.push({ ...base, at: index + step.delay + 0.5, fault: step.fault });
    if (step.duplicateAfter !== null) deliveries.push({ ...base, at: index + step.duplicateAfter + 0.7 });
  });
  deliveries.sort((a, b) => a.at - b.at);
  return { deliveries, finalProfiles: profiles };
}

let emulator: DynamoDbEmulator;
let client: DynamoDBClient;

beforeAll(async () => {
  emulator = await startDynamoDb();
  // dynalite directly (no stream tap): same semantics, about three times faster for hundreds of runs' writes.
  client = localDynamoDbClient(emulator.untappedEndpoint);
});

afterAll(async () => {
  await emulator?.close();
});

describe('survey statistics kept incrementally', () => {
  it('equal a full recount of the final profiles after random, repeated, reordered and failed deliveries', async () => {
    let run = 0;
    let faultsInjected = 0;
    let staleDrops = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 5, maxLength: 30, size: 'medium' }), async (steps) => {
        // Prepare: a fresh table per run, and a clock only the test moves.
        run += 1;
        const tableName = `stats-property-${run}`;
        await ensureTable(client, { ...RECORDS_TABLE, tableName });
        let clock = 0;
        const options = { leaseMs: LEASE_MS, now: () => clock, busyRetryDelaysMs: [] };
        const store = new StatsStore(client, tableName, options);
        const { deliveries, finalProfiles } = plan(steps, run);

        // Act
        for (const { personKey, profileVersion, profile, fault } of deliveries) {
          const change = { personKey, profileVersion, profile };
          if (fault) {
            const mode = fault.after ? 'after-request' : 'before-request';
            const faulty = faultyClient(emulator.untappedEndpoint, {
              failAt: fault.failAt,
              mode,
              dies: fault.dies,
            });
            const failed = await new StatsStore(faulty.client, tableName, options)
              .applyContribution(change)
              .then(
                () => false,
                (error: unknown) => {
                  if (error instanceof InjectedFault) return true;
                  throw error;
                },
              );
            faulty.client.destroy();
            if (!failed) continue;
            faultsInjected += 1;
            // At-least-once delivery: the failed delivery comes again, after a dead caller's lease ran out.
            if (fault.dies) clock += LEASE_MS + 1;
          }
          const outcome = await store.applyContribution(change);
          if (outcome.outcome === 'stale') staleDrops += 1;
        }

        // Assess
        const { counters, leftoverTokens } = await allCounters(client, tableName, COUNTIES);
        const recount = sumContributions(finalProfiles.map((profile) => statsContribution(profile)));
        expect(sorted(counters)).toEqual(sorted(recount));
        expect(leftoverTokens).toBe(0);
      }),
      { numRuns: 25 },
    );
    // The generators really produce the situations the property is about.
    expect(faultsInjected).toBeGreaterThan(0);
    expect(staleDrops).toBeGreaterThan(0);
  }, 120_000); // a few seconds alone; generous for a loaded machine running the whole suite in parallel
});
