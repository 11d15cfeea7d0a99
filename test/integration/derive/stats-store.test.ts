import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StatsFacts, statsContribution, statsView, sumContributions } from '#domain/stats.ts';
import { StatsBusyError, StatsStore } from '#functions/adapters/stats-store.ts';
import { ensureTable, localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { RECORDS_TABLE } from '#local/emulators/table-definition.ts';
import { employment, facts, insurance, residence, sorted } from '../../unit/domain/stats-facts.ts';
import { allCounters, type FaultMode, faultyClient, InjectedFault } from './stats-faults.ts';

const TABLE = RECORDS_TABLE.tableName;
const LEASE_MS = 60_000;

let emulator: DynamoDbEmulator;
let client: DynamoDBClient;
/**
 * dynalite without the stream tap in front: the same store, about three times faster because the tap reads
 * each item before writing it. The exhaustive fault loops use it; the tap does not change write semantics.
 */
let untappedClient: DynamoDBClient;
let store: StatsStore;
let clock = 1_000_000;
let personSerial = 0;

/** Unique per test, so tests sharing the table never touch the same person. */
const newPersonKey = () => `stats-person-${++personSerial}`;

const storeWith = (dynamo: DynamoDBClient, options: { busyRetryDelaysMs?: number[] } = {}) =>
  new StatsStore(dynamo, TABLE, { leaseMs: LEASE_MS, now: () => clock, ...options });

/** What the counters must hold when each person's last applied profile is the given one. */
const recount = (profiles: readonly (StatsFacts | undefined)[]) =>
  sorted(sumContributions(profiles.map((profile) => statsContribution(profile))));

beforeAll(async () => {
  emulator = await startDynamoDb();
  client = localDynamoDbClient(emulator.endpoint);
  untappedClient = localDynamoDbClient(emulator.untappedEndpoint);
  await ensureTable(client, RECORDS_TABLE);
  store = storeWith(client);
});

afterAll(async () => {
  await emulator?.close();
});

describe('StatsStore', () => {
  it('adds a new person to the counters of their county, city and province', async () => {
    // Prepare
    const personKey = newPersonKey();
    const profile = facts({
      residences: [residence('341102', '2024-03-05')],
      employments: [employment('2024-03-10')],
    });

    // Act
    const outcome = await store.applyContribution({ personKey, profileVersion: 1, profile });

    // Assess
    expect(outcome).toEqual({ outcome: 'applied', appliedVersion: 1, countersChanged: 18, recovered: false });
    const county = await store.readCounters('341102');
    expect(Object.fromEntries(county)).toEqual({
      registered: 1,
      'residenceType:rented': 1,
      employed: 1,
      uninsured: 1,
      'movedIn:2024-03': 1,
      'registeredInYear:2024': 1,
    });
    expect(statsView(county, '341102', '2025-01-15')).toMatchObject({
      registered: 1,
      employment: { employed: 1, notEmployed: 0 },
      lengthOfResidence: { sixTo12Months: 1 },
      coordinatorsRequired: 1,
    });
    expect((await allCounters(client, TABLE, ['341102'])).leftoverTokens).toBe(0);
    expect((await store.personState(personKey))?.pending).toBeUndefined();
  });

  it('moves a person between counties and across provinces by the difference only', async () => {
    // Prepare
    const personKey = newPersonKey();
    const before = facts({ residences: [residence('350102', '2023-06-01')] });
    const after = facts({
      residences: [
        residence('350102', '2023-06-01', { movedOutOn: '2024-09-01' }),
        residence('360102', '2024-09-01'),
      ],
      insurances: [insurance('2024-09-15')],
    });
    await store.applyContribution({ personKey, profileVersion: 1, profile: before });

    // Act
    const outcome = await store.applyContribution({ personKey, profileVersion: 2, profile: after });

    // Assess
    expect(outcome.outcome).toBe('applied');
    const { counters } = await allCounters(client, TABLE, ['350102', '360102']);
    expect(sorted(counters)).toEqual(recount([after]));
    expect(counters.get('350102#registered')).toBeUndefined();
    expect(counters.get('360000#insured')).toBe(1);
  });

  it('drops a replayed version and an older version, and records a version that changes no counter', async () => {
    // Prepare
    const personKey = newPersonKey();
    const v1 = facts({ residences: [residence('370102', '2024-01-01')] });
    const v2 = facts({
      residences: [residence('370102', '2024-01-01')],
      employments: [employment('2024-02-01')],
    });
    await store.applyContribution({ personKey, profileVersion: 1, profile: v1 });
    await store.applyContribution({ personKey, profileVersion: 2, profile: v2 });

    // Act
    const replay = await store.applyContribution({ personKey, profileVersion: 2, profile: v2 });
    const older = await store.applyContribution({ personKey, profileVersion: 1, profile: v1 });
    const sameCounters = await store.applyContribution({ personKey, profileVersion: 3, profile: v2 });

    // Assess
    expect(replay).toMatchObject({ outcome: 'stale', appliedVersion: 2 });
    expect(older).toMatchObject({ outcome: 'stale', appliedVersion: 2 });
    expect(sameCounters).toMatchObject({ outcome: 'unchanged', appliedVersion: 3, countersChanged: 0 });
    expect(sorted((await allCounters(client, TABLE, ['370102'])).counters)).toEqual(recount([v2]));
  });

  it('applies a newer version that overtook an older one, and drops the older one when it arrives', async () => {
    const personKey = newPersonKey();
    const v1 = facts({ residences: [residence('410102', '2024-01-01')] });
    const v2 = facts({ residences: [residence('410102', '2024-01-01', { residenceType: 'owned' })] });

    await store.applyContribution({ personKey, profileVersion: 2, profile: v2 });
    const late = await store.applyContribution({ personKey, profileVersion: 1, profile: v1 });

    expect(late.outcome).toBe('stale');
    expect(sorted((await allCounters(client, TABLE, ['410102'])).counters)).toEqual(recount([v2]));
  });

  it('removes a person whose records are all gone', async () => {
    const personKey = newPersonKey();
    await store.applyContribution({
      personKey,
      profileVersion: 1,
      profile: facts({ residences: [residence('420102', '2024-01-01')] }),
    });

    await store.applyContribution({ personKey, profileVersion: 2, profile: undefined });

    expect((await allCounters(client, TABLE, ['420102'])).counters.size).toBe(0);
  });

  it('applies concurrent deliveries of the same version once', async () => {
    const personKey = newPersonKey();
    const profile = facts({ residences: [residence('430102', '2024-01-01')] });

    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () => store.applyContribution({ personKey, profileVersion: 1, profile })),
    );

    expect(outcomes.map((outcome) => outcome.outcome).sort()).toEqual(['applied', 'stale', 'stale', 'stale']);
    expect(sorted((await allCounters(client, TABLE, ['430102'])).counters)).toEqual(recount([profile]));
  });

  it('ends at the newest of concurrently delivered versions', async () => {
    const personKey = newPersonKey();
    const versions = [
      facts({ residences: [residence('440103', '2024-01-01')] }),
      facts({ residences: [residence('440104', '2024-02-01')] }),
      facts({ residences: [residence('440105', '2024-03-01')], employments: [employment('2024-03-01')] }),
    ];

    await Promise.all(
      versions.map((profile, index) =>
        store.applyContribution({ personKey, profileVersion: index + 1, profile }),
      ),
    );

    const { counters } = await allCounters(client, TABLE, ['440103', '440104', '440105']);
    expect(sorted(counters)).toEqual(recount([versions[2]]));
  });
});

describe('StatsStore after a failure at any request', () => {
  const fastStore = () => storeWith(untappedClient);
  const v1 = facts({
    residences: [residence('450000', '2022-05-01')],
    insurances: [insurance('2022-06-01')],
  });
  const v2 = facts({
    residences: [residence('450000', '2022-05-01', { residenceType: 'lodging' })],
    employments: [employment('2024-01-01')],
  });

  /** Applies v1, then v2 through a client that fails at `failAt`; resolves how many requests v2 took. */
  async function applyV2WithFault(personKey: string, failAt: number, mode: FaultMode, dies: boolean) {
    await fastStore().applyContribution({ personKey, profileVersion: 1, profile: v1 });
    const faulty = faultyClient(emulator.untappedEndpoint, { failAt, mode, dies });
    const result = await storeWith(faulty.client)
      .applyContribution({ personKey, profileVersion: 2, profile: v2 })
      .then(
        () => 'done' as const,
        (error: unknown) => {
          if (!(error instanceof InjectedFault)) throw error;
          return 'failed' as const;
        },
      );
    return { result, sent: faulty.sent() };
  }

  /** The number of requests one clean application of v2 after v1 takes. */
  async function requestsOfCleanRun(): Promise<number> {
    const personKey = newPersonKey();
    const { result, sent } = await applyV2WithFault(
      personKey,
      Number.MAX_SAFE_INTEGER,
      'before-request',
      false,
    );
    expect(result).toBe('done');
    await fastStore().applyContribution({ personKey, profileVersion: 3, profile: undefined });
    return sent;
  }

  it('counts exactly once when a live caller retries after a lost request or a lost response', async () => {
    const requests = await requestsOfCleanRun();
    expect(requests).toBeGreaterThan(10);
    for (const mode of ['before-request', 'after-request'] as const) {
      for (let failAt = 1; failAt <= requests; failAt++) {
        // Prepare
        const personKey = newPersonKey();
        const { result } = await applyV2WithFault(personKey, failAt, mode, false);

        // Act: the delivery is retried at once; the failed call released its lease.
        const retry = await fastStore().applyContribution({ personKey, profileVersion: 2, profile: v2 });

        // Assess
        expect(result).toBe('failed');
        expect(retry.appliedVersion).toBe(2);
        const { counters, leftoverTokens } = await allCounters(untappedClient, TABLE, ['450000']);
        expect({ failAt, mode, counters: sorted(counters) }).toEqual({
          failAt,
          mode,
          counters: recount([v2]),
        });
        expect(leftoverTokens).toBe(0);
        await fastStore().applyContribution({ personKey, profileVersion: 3, profile: undefined });
      }
    }
  });

  it('counts exactly once when the caller dies, once its lease has expired', async () => {
    const requests = await requestsOfCleanRun();
    for (const mode of ['before-request', 'after-request'] as const) {
      for (let failAt = 1; failAt <= requests; failAt++) {
        // Prepare: the caller dies at request failAt, holding its lease.
        const personKey = newPersonKey();
        const { result } = await applyV2WithFault(personKey, failAt, mode, true);
        expect(result).toBe('failed');
        const pending = (await fastStore().personState(personKey))?.pending;
        if (pending) {
          // A redelivery inside the lease waits, then gives up: the dead caller might still be sending.
          await expect(
            storeWith(untappedClient, { busyRetryDelaysMs: [] }).applyContribution({
              personKey,
              profileVersion: 2,
              profile: v2,
            }),
          ).rejects.toBeInstanceOf(StatsBusyError);
        }

        // Act: a redelivery after the lease ran out finishes the dead caller's work.
        clock += LEASE_MS + 1;
        const retry = await fastStore().applyContribution({ personKey, profileVersion: 2, profile: v2 });

        // Assess
        expect(retry.appliedVersion).toBe(2);
        expect(retry.recovered).toBe(pending !== undefined);
        const { counters, leftoverTokens } = await allCounters(untappedClient, TABLE, ['450000']);
        expect({ failAt, mode, counters: sorted(counters) }).toEqual({
          failAt,
          mode,
          counters: recount([v2]),
        });
        expect(leftoverTokens).toBe(0);
        expect((await fastStore().personState(personKey))?.pending).toBeUndefined();
        await fastStore().applyContribution({ personKey, profileVersion: 3, profile: undefined });
      }
    }
  });
});
