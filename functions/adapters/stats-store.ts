import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Contribution,
  contributionDelta,
  type StatsFacts,
  splitCounterId,
  statsContribution,
} from '#domain/stats.ts';
import { documentClient } from './document-client.ts';

/*
 * Survey statistics in the shared table, kept by atomic counters (never a scan):
 * - counter item  pk STATS#<division>            sk <counterKey>  n (number, changed only with ADD)
 * - person item   pk STATS#PERSON#<personKey>    sk STATE         the contribution last applied and its
 *                                                                  profile version, plus `pending` while
 *                                                                  a new one is being applied
 *
 * Applying a new profile version, without transactions (the local emulator has none):
 *  1. claim    — one conditional write on the person item: `pending = { version N, token, delta D, target
 *                contribution, phase 'applying', owner, leaseUntil }`, only if the applied version is still
 *                the one read and nothing is pending. D is taken against the contribution stored there, not
 *                against a caller's idea of the previous profile, so lost, repeated or reordered deliveries
 *                cannot skew it. Versions ≤ the applied one are dropped before this step.
 *  2. add      — per counter `ADD n :d, applying :{token}` on condition `NOT contains(applying, token)`:
 *                the token (`<personKey>:<N>`) travels in the same atomic write as the increment, so
 *                repeating step 2 — after a lost response, a crash, or by a second caller — never counts twice.
 *  3. mark     — person item: version = N, contribution = target, pending.phase = 'cleaning'.
 *  4. clean    — per counter `DELETE applying :{token}`, so token sets only hold in-flight applications.
 *  5. release  — person item: REMOVE pending.
 * A caller that finds a pending application whose lease has expired (or was released) takes it over and
 * finishes it first — from step 2 if 'applying', step 4 if 'cleaning', with the delta stored in step 1 —
 * then handles its own version. One whose lease is live waits briefly, then fails with StatsBusyError so
 * the delivery is retried; a version older than the one in flight is dropped at once.
 *
 * Guarantee: every delta reaches every counter exactly once, whatever fails or repeats, provided that a
 * caller holding the lease has either finished or stopped sending by the time the lease runs out. The lease
 * is what makes step 4 safe: once a token is cleaned away, step 2 for it would count again, so only the
 * lease holder may run steps 2–5, and another caller takes a pending application over only after the lease
 * has expired (a caller that fails releases its lease at once, after all its requests have settled).
 * Limit: a caller that stalls past its lease (set `leaseMs` above the consumer's timeout; Lambda kills at
 * its timeout) and then sends a step-2 write after the taker-over has finished step 4 counts that delta
 * twice. A pending application left by a dead caller keeps the person's counters short of its delta until
 * the person's next delivery after the lease expires (a redelivery of the same version is enough). Token
 * sets on hot counters (a province's `registered`) hold one token per application in flight: bounded by the
 * consumer's concurrency, not by history.
 */

export const STATS_PERSON_SK = 'STATE';
export const statsCounterPk = (division: string): string => `STATS#${division}`;
export const statsPersonPk = (personKey: string): string => `STATS#PERSON#${personKey}`;

/** One new version of a person's profile, as the derive consumer hands it over. */
export interface ProfileChange {
  personKey: string;
  /** Increases with every change of the profile; a version at or below the applied one is dropped. */
  profileVersion: number;
  /** undefined when the person no longer has any record. */
  profile: StatsFacts | undefined;
  /**
   * Accepted for the consumer's convenience, not used: the delta is taken against the contribution this
   * store last applied, which stays right when deliveries are lost, repeated or reordered.
   */
  previousProfile?: StatsFacts | undefined;
}

export interface ApplyOutcome {
  /** applied: counters changed; unchanged: the version moved on without a counter change; stale: dropped. */
  outcome: 'applied' | 'unchanged' | 'stale';
  /** The person's applied profile version afterwards. */
  appliedVersion: number;
  /** How many counters this call's own delta touched. */
  countersChanged: number;
  /** True when an earlier call's interrupted application was finished first. */
  recovered: boolean;
}

export interface PersonStatsState {
  version: number;
  contribution: Contribution;
  pending?: { version: number; phase: PendingPhase; leaseUntil: number };
}

export interface StatsStoreOptions {
  /** How long a caller owns a person's pending application. @default 900_000 (Lambda's longest timeout) */
  leaseMs?: number;
  /** Milliseconds since the epoch; injectable so tests can expire a lease without waiting. */
  now?: () => number;
  /** Waits before retrying while another caller holds the person's lease. @default [20, 50, 100, 200, 400] */
  busyRetryDelaysMs?: readonly number[];
}

/** Another caller is applying this person's statistics right now: retry the delivery later. */
export class StatsBusyError extends Error {
  constructor(personKey: string) {
    super(`statistics of person ${personKey} are being applied by another caller`);
    this.name = 'StatsBusyError';
  }
}

/** Our lease ran out and another caller took the application over; it finishes the work. */
export class StatsLeaseLostError extends Error {
  constructor(personKey: string, options?: ErrorOptions) {
    super(`lost the statistics lease of person ${personKey}`, options);
    this.name = 'StatsLeaseLostError';
  }
}

type PendingPhase = 'applying' | 'cleaning';

interface PendingItem {
  version: number;
  token: string;
  phase: PendingPhase;
  owner: string;
  leaseUntil: number;
  delta: Record<string, number>;
  contribution: Record<string, number>;
}

interface PersonItem {
  version: number;
  contribution: Record<string, number>;
  pending?: PendingItem;
}

const PERSON_NAMES = { '#version': 'version', '#contribution': 'contribution', '#pending': 'pending' };
const PENDING_NAMES = { '#pending': 'pending', '#token': 'token', '#owner': 'owner' };
/** Another conditional write on the person item won; re-read and decide again (bounded). */
const MAX_CONFLICTS = 10;

const toMap = (record: Record<string, number>): Contribution => new Map(Object.entries(record));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

export class StatsStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #leaseMs: number;
  readonly #now: () => number;
  readonly #busyDelays: readonly number[];

  constructor(client: DynamoDBClient, tableName: string, options: StatsStoreOptions = {}) {
    this.#doc = documentClient(client);
    this.#table = tableName;
    this.#leaseMs = options.leaseMs ?? 900_000;
    this.#now = options.now ?? Date.now;
    this.#busyDelays = options.busyRetryDelaysMs ?? [20, 50, 100, 200, 400];
  }

  /** Brings the counters from the person's last applied contribution to this version's (see top of file). */
  async applyContribution(change: ProfileChange): Promise<ApplyOutcome> {
    const { personKey, profileVersion } = change;
    if (!Number.isInteger(profileVersion) || profileVersion < 1) {
      throw new Error(`profileVersion must be a positive integer, got ${profileVersion}`);
    }
    const target = statsContribution(change.profile);
    let recovered = false;
    let busyWaits = 0;
    for (let conflicts = 0; conflicts < MAX_CONFLICTS; ) {
      const item = await this.#readPerson(personKey);
      if (item?.pending) {
        const pending = item.pending;
        if (pending.leaseUntil > this.#now()) {
          // An older version is superseded by the one in flight (whose own delivery is retried if its caller
          // dies); the same version is not, as it may be that very retry.
          if (profileVersion < pending.version) {
            return { outcome: 'stale', appliedVersion: item.version, countersChanged: 0, recovered };
          }
          const delay = this.#busyDelays[busyWaits++];
          if (delay === undefined) throw new StatsBusyError(personKey);
          await sleep(delay);
          continue;
        }
        const taken = await this.#takeOver(personKey, pending);
        if (!taken) {
          conflicts++;
          continue;
        }
        await this.#finish(personKey, taken);
        recovered = true;
        conflicts++;
        continue;
      }

      const appliedVersion = item?.version ?? 0;
      if (profileVersion <= appliedVersion) {
        return { outcome: 'stale', appliedVersion, countersChanged: 0, recovered };
      }
      const delta = contributionDelta(toMap(item?.contribution ?? {}), target);
      const claimed =
        delta.size === 0
          ? await this.#advanceVersion(personKey, item, profileVersion, target)
          : await this.#claim(personKey, item, profileVersion, delta, target);
      if (!claimed) {
        conflicts++;
        continue;
      }
      if (claimed !== true) await this.#finish(personKey, claimed);
      return {
        outcome: delta.size === 0 ? 'unchanged' : 'applied',
        appliedVersion: profileVersion,
        countersChanged: delta.size,
        recovered,
      };
    }
    throw new StatsBusyError(personKey);
  }

  /** One division's counters (counterKey -> value), by a Query on its partition. */
  async readCounters(division: string): Promise<Map<string, number>> {
    const counters = new Map<string, number>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.#doc.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': statsCounterPk(division) },
          ProjectionExpression: 'sk, #n',
          ExpressionAttributeNames: { '#n': 'n' },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        if (typeof item.n === 'number') counters.set(item.sk as string, item.n);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return counters;
  }

  /** What is applied for one person (diagnostics and tests). */
  async personState(personKey: string): Promise<PersonStatsState | undefined> {
    const item = await this.#readPerson(personKey);
    if (!item) return undefined;
    const { pending } = item;
    return {
      version: item.version,
      contribution: toMap(item.contribution),
      ...(pending && {
        pending: { version: pending.version, phase: pending.phase, leaseUntil: pending.leaseUntil },
      }),
    };
  }

  async #readPerson(personKey: string): Promise<PersonItem | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({
        TableName: this.#table,
        Key: { pk: statsPersonPk(personKey), sk: STATS_PERSON_SK },
        ConsistentRead: true,
      }),
    );
    return Item as PersonItem | undefined;
  }

  /** The condition of steps that start from what was read: same applied version, nothing pending. */
  #unchangedSince(item: PersonItem | undefined) {
    return item === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)', values: {} }
      : {
          ConditionExpression: '#version = :applied AND attribute_not_exists(#pending)',
          names: { '#pending': 'pending' },
          values: { ':applied': item.version },
        };
  }

  /** A version that changes no counter: record it as applied in one conditional write. */
  async #advanceVersion(
    personKey: string,
    item: PersonItem | undefined,
    version: number,
    target: Contribution,
  ): Promise<boolean> {
    const condition = this.#unchangedSince(item);
    return this.#conditional(
      new UpdateCommand({
        TableName: this.#table,
        Key: { pk: statsPersonPk(personKey), sk: STATS_PERSON_SK },
        UpdateExpression: 'SET #version = :version, #contribution = :contribution',
        ConditionExpression: condition.ConditionExpression,
        ExpressionAttributeNames: {
          '#version': 'version',
          '#contribution': 'contribution',
          ...condition.names,
        },
        ExpressionAttributeValues: {
          ...condition.values,
          ':version': version,
          ':contribution': Object.fromEntries(target),
        },
      }),
    );
  }

  /** Step 1: write the pending application; false when another write got there first. */
  async #claim(
    personKey: string,
    item: PersonItem | undefined,
    version: number,
    delta: Contribution,
    target: Contribution,
  ): Promise<PendingItem | false> {
    const pending: PendingItem = {
      version,
      token: `${personKey}:${version}`,
      phase: 'applying',
      owner: randomUUID(),
      leaseUntil: this.#now() + this.#leaseMs,
      delta: Object.fromEntries(delta),
      contribution: Object.fromEntries(target),
    };
    const condition = this.#unchangedSince(item);
    const claimed = await this.#ownerWrite(
      personKey,
      pending,
      new UpdateCommand({
        TableName: this.#table,
        Key: { pk: statsPersonPk(personKey), sk: STATS_PERSON_SK },
        UpdateExpression:
          'SET #pending = :pending, #version = if_not_exists(#version, :zero), ' +
          '#contribution = if_not_exists(#contribution, :empty)',
        ConditionExpression: condition.ConditionExpression,
        ExpressionAttributeNames: PERSON_NAMES,
        ExpressionAttributeValues: { ...condition.values, ':pending': pending, ':zero': 0, ':empty': {} },
      }),
    );
    return claimed && pending;
  }

  /** Takes over an expired (or released) pending application; false when someone else changed it first. */
  async #takeOver(personKey: string, pending: PendingItem): Promise<PendingItem | false> {
    const taken: PendingItem = { ...pending, owner: randomUUID(), leaseUntil: this.#now() + this.#leaseMs };
    const done = await this.#ownerWrite(
      personKey,
      taken,
      new UpdateCommand({
        TableName: this.#table,
        Key: { pk: statsPersonPk(personKey), sk: STATS_PERSON_SK },
        UpdateExpression: 'SET #pending.#owner = :owner, #pending.#lease = :lease',
        ConditionExpression:
          '#pending.#token = :token AND #pending.#owner = :previousOwner AND #pending.#lease = :previousLease',
        ExpressionAttributeNames: { ...PENDING_NAMES, '#lease': 'leaseUntil' },
        ExpressionAttributeValues: {
          ':owner': taken.owner,
          ':lease': taken.leaseUntil,
          ':token': pending.token,
          ':previousOwner': pending.owner,
          ':previousLease': pending.leaseUntil,
        },
      }),
    );
    return done && taken;
  }

  /** Steps 2–5 for an application this caller owns. On failure the lease is released for the next caller. */
  async #finish(personKey: string, pending: PendingItem): Promise<void> {
    const counterIds = Object.keys(pending.delta);
    try {
      if (pending.phase === 'applying') {
        await settleAll(
          counterIds.map((id) => this.#addToCounter(id, pending.delta[id] ?? 0, pending.token)),
        );
        await this.#updateOwnPending(
          personKey,
          pending,
          'SET #version = :version, #contribution = :contribution, #pending.#phase = :cleaning',
          { '#version': 'version', '#contribution': 'contribution', '#phase': 'phase' },
          { ':version': pending.version, ':contribution': pending.contribution, ':cleaning': 'cleaning' },
        );
      }
      await settleAll(counterIds.map((id) => this.#forgetToken(id, pending.token)));
      await this.#updateOwnPending(personKey, pending, 'REMOVE #pending', {}, {});
    } catch (error) {
      if (!(error instanceof StatsLeaseLostError)) await this.#release(personKey, pending);
      throw error;
    }
  }

  /** Step 2 for one counter: the increment and the token in one atomic write; a repeat is a no-op. */
  async #addToCounter(counterIdValue: string, delta: number, token: string): Promise<void> {
    const { division, counterKey } = splitCounterId(counterIdValue);
    await this.#conditional(
      new UpdateCommand({
        TableName: this.#table,
        Key: { pk: statsCounterPk(division), sk: counterKey },
        UpdateExpression: 'ADD #n :delta, #applying :tokens',
        ConditionExpression: 'NOT contains(#applying, :token)',
        ExpressionAttributeNames: { '#n': 'n', '#applying': 'applying' },
        ExpressionAttributeValues: { ':delta': delta, ':tokens': new Set([token]), ':token': token },
      }),
    );
  }

  /** Step 4 for one counter. Never creates an item: the counter exists since step 2. */
  async #forgetToken(counterIdValue: string, token: string): Promise<void> {
    const { division, counterKey } = splitCounterId(counterIdValue);
    await this.#conditional(
      new UpdateCommand({
        TableName: this.#table,
        Key: { pk: statsCounterPk(division), sk: counterKey },
        UpdateExpression: 'DELETE #applying :tokens',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#applying': 'applying' },
        ExpressionAttributeValues: { ':tokens': new Set([token]) },
      }),
    );
  }

  /** A person-item update that only the current lease holder may make (steps 3 and 5). */
  async #updateOwnPending(
    personKey: string,
    pending: PendingItem,
    updateExpression: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
  ): Promise<void> {
    const done = await this.#conditional(
      new UpdateCommand({
        TableName: this.#table,
        Key: { pk: statsPersonPk(personKey), sk: STATS_PERSON_SK },
        UpdateExpression: updateExpression,
        ConditionExpression: '#pending.#token = :token AND #pending.#owner = :owner',
        ExpressionAttributeNames: { ...PENDING_NAMES, ...names },
        ExpressionAttributeValues: { ...values, ':token': pending.token, ':owner': pending.owner },
      }),
    );
    if (!done) throw new StatsLeaseLostError(personKey);
  }

  /** Best effort: lets the next caller take over at once instead of waiting for the lease to expire. */
  async #release(personKey: string, pending: PendingItem): Promise<void> {
    try {
      await this.#conditional(
        new UpdateCommand({
          TableName: this.#table,
          Key: { pk: statsPersonPk(personKey), sk: STATS_PERSON_SK },
          UpdateExpression: 'SET #pending.#lease = :expired',
          ConditionExpression: '#pending.#token = :token AND #pending.#owner = :owner',
          ExpressionAttributeNames: { ...PENDING_NAMES, '#lease': 'leaseUntil' },
          ExpressionAttributeValues: { ':expired': 0, ':token': pending.token, ':owner': pending.owner },
        }),
      );
    } catch {
      // The lease then simply runs out.
    }
  }

  /**
   * A write that may make this caller the owner of `pending` (claim, take-over). If it fails without an
   * answer it may still have been applied, so the lease is released rather than left to run out.
   */
  async #ownerWrite(personKey: string, pending: PendingItem, command: UpdateCommand): Promise<boolean> {
    try {
      return await this.#conditional(command);
    } catch (error) {
      await this.#release(personKey, pending);
      throw error;
    }
  }

  /** Sends a conditional write; false when its condition failed. */
  async #conditional(command: UpdateCommand): Promise<boolean> {
    try {
      await this.#doc.send(command);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

/** Waits for every request to settle (so none is still in flight), then rethrows the first failure. */
async function settleAll(requests: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(requests);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
}
