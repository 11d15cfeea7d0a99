import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '#domain/dates.ts';
import {
  countersOfDivision,
  divisionLevels,
  type StatsFacts,
  statsContribution,
  sumContributions,
} from '#domain/stats.ts';
import { StatsStore } from '#functions/adapters/stats-store.ts';
import { createStatsHandler } from '#functions/stats/handler.ts';
import { ensureTable, localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { RECORDS_TABLE } from '#local/emulators/table-definition.ts';
import { lambdaContext } from '#local/lambda-context.ts';
import { application, permit } from '../../unit/domain/builders.ts';
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
import { type ProfileVersion, profileRecord } from './profile-records.ts';
import { allCounters, faultyClient, InjectedFault } from './stats-faults.ts';

// Random life events of a few people become profile versions, written to a stream of a few shards (one of
// them splits, another rolls over to a new shard mid-way), and an event source mapping delivers them to the
// statistics handler in batches of random size: from several shards at once, through a client that fails at
// some request (before or after the table applied it, then going on or dying), again from the checkpoint
// after a failure, and again from an older checkpoint (a lost checkpoint). The counters must always end equal
// to a full recount of the final profiles.

/** Two counties of Hangzhou, one of Ningbo, one in another province. */
const COUNTIES = ['330106', '330108', '330205', '320102'] as const;
const RESIDENCE_TYPES = ['rented', 'owned', 'employer-dormitory', 'lodging', 'other'] as const;
const PEOPLE = 4;

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
  | { type: 'apply'; county: string }
  | { type: 'issue'; pick: number; afterDays: number }
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
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constant('apply' as const), county: fc.constantFrom(...COUNTIES) }),
  },
  {
    // A permit answers an application: the issuance counters move from pending to issued in one delta.
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('issue' as const),
      pick: fc.nat(3),
      afterDays: fc.integer({ min: 0, max: 40 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ type: 'forget' as const }) },
);

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
    case 'apply':
      facts.applications.push(application(id.recordId, on, { divisionCode: event.county }));
      break;
    case 'issue': {
      const waiting = facts.applications.filter(
        (a) => !facts.permits.some((p) => p.applicationId === a.recordId),
      );
      const answered = waiting[event.pick % Math.max(1, waiting.length)];
      if (answered === undefined) break;
      const issuedOn = addDays(answered.submittedOn, event.afterDays);
      facts.permits.push(
        permit(id.recordId, issuedOn, addDays(issuedOn, 364), { applicationId: answered.recordId }),
      );
      break;
    }
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

/** `arbitrary` in `percent` of the cases, null otherwise. */
const sometimes = <T>(percent: number, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: 100 - percent, arbitrary: fc.constant(null) }, { weight: percent, arbitrary });

const stepArb = fc.record({ person: fc.nat(PEOPLE - 1), event: lifeEventArb, on: dateArb });
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

/** One move of the event source mapping. */
const moveArb = fc.record({
  /** Which shard with records waiting (modulo how many there are). */
  pick: fc.nat(7),
  size: fc.integer({ min: 1, max: 6 }),
  /** The handler's client fails at this request, or not. */
  fault: sometimes(
    30,
    fc.record({ failAt: fc.integer({ min: 1, max: 6 }), after: fc.boolean(), dies: fc.boolean() }),
  ),
  /** After a success the checkpoint is lost: delivery resumes from this earlier batch start, or not. */
  rewindTo: sometimes(15, fc.nat(5)),
  /** Another shard's batch is handled at the same time. */
  together: fc.boolean(),
});
type Move = typeof moveArb extends fc.Arbitrary<infer T> ? T : never;

const runArb = fc.record({
  steps: fc.array(stepArb, { minLength: 5, maxLength: 25 }),
  /** At which step shard A splits into A1 and A2, and B rolls over to B1 (beyond the steps: never). */
  splitAt: fc.nat(30),
  rollAt: fc.nat(30),
  moves: fc.array(moveArb, { maxLength: 40 }),
  counterShards: fc.constantFrom(1, 2, 8),
});

interface Shard {
  id: string;
  parent?: string;
  records: DynamoDBRecord[];
  /** Index of the next record to deliver. */
  checkpoint: number;
  /** Where earlier successful batches began (a lost checkpoint falls back to one of them). */
  starts: number[];
}

/** The stream: every profile write, in order, on the shard its person is on at that moment. */
function planStream(steps: readonly Step[], splitAt: number, rollAt: number, run: number) {
  const shards = new Map<string, Shard>();
  const open = (id: string, parent?: string) =>
    shards.set(id, { id, ...(parent && { parent }), records: [], checkpoint: 0, starts: [] });
  open('shardId-A');
  open('shardId-B');
  const shardOf = Array.from({ length: PEOPLE }, (_, person): string =>
    person % 2 === 0 ? 'shardId-A' : 'shardId-B',
  );
  const states: (ProfileVersion | undefined)[] = Array.from({ length: PEOPLE }, () => undefined);
  let seq = 1_000;
  steps.forEach((step, index) => {
    if (index === splitAt) {
      open('shardId-A1', 'shardId-A');
      open('shardId-A2', 'shardId-A');
      shardOf.forEach((id, person) => {
        if (id === 'shardId-A') shardOf[person] = person < PEOPLE / 2 ? 'shardId-A1' : 'shardId-A2';
      });
    }
    if (index === rollAt) {
      open('shardId-B1', 'shardId-B');
      shardOf.forEach((id, person) => {
        if (id === 'shardId-B') shardOf[person] = 'shardId-B1';
      });
    }
    const before = states[step.person];
    const facts = applyEvent(before?.facts, step.event, step.on, index);
    const after = facts && { version: (before?.version ?? 0) + 1, facts };
    states[step.person] = after;
    if (before === undefined && after === undefined) return; // nothing to write, nothing on the stream
    seq += 1 + (index % 3); // sequence numbers increase with gaps, as DynamoDB's do
    const personKey = `run-${run}-person-${step.person}`;
    shards.get(shardOf[step.person] ?? '')?.records.push(profileRecord(seq, personKey, before, after));
  });
  return { shards, finalFacts: states.map((state) => state?.facts) };
}

let emulator: DynamoDbEmulator;
let client: DynamoDBClient;

beforeAll(async () => {
  emulator = await startDynamoDb();
  // dynalite directly (no stream tap): the test writes the stream itself, and runs many tables' worth.
  client = localDynamoDbClient(emulator.untappedEndpoint);
});

afterAll(async () => {
  await emulator?.close();
});

describe('survey statistics aggregated from the profile stream', () => {
  it('equal a full recount after random batches, shard splits, failures, retries and redeliveries', async () => {
    const seen = { failedDeliveries: 0, resumedItems: 0, rewinds: 0, concurrent: 0, children: 0 };
    let run = 0;
    await fc.assert(
      fc.asyncProperty(runArb, async ({ steps, splitAt, rollAt, moves, counterShards }) => {
        // Prepare: a fresh table per run
        run += 1;
        const tableName = `stats-property-${run}`;
        await ensureTable(client, { ...RECORDS_TABLE, tableName });
        const { shards, finalFacts } = planStream(steps, splitAt, rollAt, run);
        const storeWith = (dynamo: DynamoDBClient) => new StatsStore(dynamo, tableName, { counterShards });
        const done = (id: string | undefined) => {
          const shard = shards.get(id ?? '');
          return shard === undefined || shard.checkpoint >= shard.records.length;
        };
        // Lambda reads a child shard only once its parent is done.
        const ready = () =>
          [...shards.values()].filter(
            (shard) => !done(shard.id) && (shard.parent === undefined || done(shard.parent)),
          );

        const deliver = async (shard: Shard, move: Move, fault: Move['fault']) => {
          const start = shard.checkpoint;
          const batch = shard.records.slice(start, start + move.size);
          const faulty =
            fault &&
            faultyClient(emulator.untappedEndpoint, {
              failAt: fault.failAt,
              mode: fault.after ? 'after-request' : 'before-request',
              dies: fault.dies,
            });
          const stats = storeWith(faulty ? faulty.client : client);
          const handler = createStatsHandler({
            stats: {
              applyBatch: async (shardId, changes) => {
                const outcome = await stats.applyBatch(shardId, changes);
                seen.resumedItems += outcome.itemsResumed;
                return outcome;
              },
            },
          });
          try {
            const response = await handler(
              { Records: batch, shardId: shard.id, state: {} },
              lambdaContext('stats'),
            );
            expect(response.batchItemFailures).toEqual([]);
          } catch (error) {
            if (!(error instanceof InjectedFault)) throw error;
            seen.failedDeliveries += 1;
            return; // the checkpoint stays: the next delivery starts from the same record
          } finally {
            faulty?.client.destroy();
          }
          shard.starts.push(start);
          shard.checkpoint = start + batch.length;
          if (move.rewindTo !== null) {
            seen.rewinds += 1;
            shard.checkpoint = shard.starts[move.rewindTo % shard.starts.length] ?? 0;
          }
        };

        // Act: the moves as generated, then plain deliveries until every shard is done
        const plain: Move = { pick: 0, size: 6, fault: null, rewindTo: null, together: false };
        for (let index = 0; ready().length > 0; index += 1) {
          const move = moves[index] ?? plain;
          const candidates = ready();
          const first = candidates[move.pick % candidates.length] as Shard;
          const second = candidates.length > 1 ? candidates[(move.pick + 1) % candidates.length] : undefined;
          if (move.together && second) {
            seen.concurrent += 1;
            await Promise.all([deliver(first, move, move.fault), deliver(second, move, null)]);
          } else {
            await deliver(first, move, move.fault);
          }
        }
        seen.children += [...shards.values()].filter(
          (shard) => shard.parent && shard.records.length > 0,
        ).length;

        // Assess: the stored counters, and the store's own read of every division, equal a recount
        const recount = sumContributions(finalFacts.map((facts) => statsContribution(facts)));
        expect(sorted(await allCounters(client, tableName))).toEqual(sorted(recount));
        const store = storeWith(client);
        for (const division of new Set(COUNTIES.flatMap(divisionLevels))) {
          expect(sorted(await store.readCounters(division))).toEqual(
            sorted(countersOfDivision(recount, division)),
          );
        }
      }),
      { numRuns: 20 },
    );
    // The generators really produce the situations the property is about.
    expect(seen.failedDeliveries).toBeGreaterThan(0);
    expect(seen.resumedItems).toBeGreaterThan(0);
    expect(seen.rewinds).toBeGreaterThan(0);
    expect(seen.concurrent).toBeGreaterThan(0);
    expect(seen.children).toBeGreaterThan(0);
  }, 120_000); // a few seconds alone; generous for a loaded machine running the whole suite in parallel
});
