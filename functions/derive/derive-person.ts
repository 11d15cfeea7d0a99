import pLimit from 'p-limit';
import { chinaDateOf } from '#domain/dates.ts';
import { buildPersonProfile, type ProfileSource } from '#domain/profile.ts';
import { ProfileConflictError, type ProfileItem, type ProfileStore } from '../adapters/profile-store.ts';
import type { RecordStore } from '../adapters/record-store.ts';
import type { RecordItem } from '../adapters/store-items.ts';
import type { DerivedConfig } from '../runtime/derived-config.ts';
import { retrying } from '../runtime/retry.ts';
import { planProfile } from './profile-plan.ts';

export interface DeriveDeps {
  records: RecordStore;
  profiles: ProfileStore;
  /** The bus the derived events are meant for (written into each outbox entry). */
  eventBusName?: string | undefined;
  config: DerivedConfig;
  now: () => Date;
}

export interface DeriveOutcome {
  personKey: string;
  /** The profile version after this run (0: the person has no records). */
  version: number;
  /** Whether this run wrote a new profile version. */
  wrote: boolean;
  /** Detail-types of the events this run planned (put on the bus from the stream once written). */
  events: string[];
}

/** Enough for a burst of one person's events arriving together; every retry re-reads everything. */
const DERIVE_RETRY = { attempts: 10, baseDelayMs: 5, maxDelayMs: 200 } as const;

const toSource = (item: RecordItem): ProfileSource =>
  ({
    recordId: item.recordId,
    kind: item.kind,
    version: item.version,
    record: item.record,
    updatedAt: item.updatedAt,
  }) as ProfileSource;

/** The ids of a person's records to read: the index's, the stored profile's sources, and the hints. */
function recordIdsOf(
  indexed: readonly string[],
  before: ProfileItem | undefined,
  hintRecordIds: readonly string[],
): string[] {
  return [...new Set([...indexed, ...Object.keys(before?.profile.sources ?? {}), ...hintRecordIds])];
}

/** The person's own current records among those read (a rental property is no one's record). */
const ownRecords = (personKey: string, ids: readonly string[], read: ReadonlyMap<string, RecordItem>) =>
  ids.flatMap((id) => {
    const item = read.get(id);
    return item && item.personKey === personKey && item.kind !== 'rental-property' ? [item] : [];
  });

/**
 * One attempt from what was read: plans the profile and writes it if something changed, conditional on the
 * version read. Undefined when another writer changed the profile since (re-read and decide again).
 */
async function attempt(
  personKey: string,
  before: ProfileItem | undefined,
  items: readonly RecordItem[],
  deps: DeriveDeps,
): Promise<DeriveOutcome | undefined> {
  if (items.length === 0 && before === undefined) return { personKey, version: 0, wrote: false, events: [] };
  const now = deps.now();
  const plan = planProfile(before, buildPersonProfile(personKey, items.map(toSource)), {
    config: deps.config,
    asOf: chinaDateOf(now.toISOString()),
    at: now.toISOString(),
    cause: 'records',
    eventBusName: deps.eventBusName,
  });
  if (plan.item) {
    try {
      await deps.profiles.put(plan.item, before?.version ?? 0);
    } catch (error) {
      if (error instanceof ProfileConflictError) return undefined;
      throw error;
    }
  }
  const current = plan.item ?? before;
  if (current === undefined) throw new Error('unreachable: no profile after a derivation');
  return { personKey, version: current.version, wrote: plan.item !== undefined, events: plan.events };
}

/**
 * Re-derives one person's profile from their current records, as of today (China date): writes a new version
 * when something changed (conditional on the version read; a lost race re-reads and decides again), with the
 * version's derived events in its outbox. Those events (functions/publish) and the statistics
 * (functions/stats) follow from the profile item's stream.
 *
 * The person's records: the person index (gsi1) is eventually consistent, so its ids are joined with the ids
 * the stored profile was built from and the ids the events name, and all are read with a consistent
 * BatchGet: a record just written, or one an earlier run already saw, is never missed. The profile is read
 * BEFORE the records, so a version written by a concurrent run that read older records always makes this
 * run's write fail its condition rather than overwrite newer content.
 */
export async function derivePerson(
  personKey: string,
  hintRecordIds: readonly string[],
  deps: DeriveDeps,
): Promise<DeriveOutcome> {
  return retrying(
    async () => {
      const before = await deps.profiles.get(personKey);
      const ids = recordIdsOf(await deps.records.recordIdsOfPerson(personKey), before, hintRecordIds);
      const items = ownRecords(personKey, ids, await deps.records.getRecords(ids));
      const outcome = await attempt(personKey, before, items, deps);
      if (outcome === undefined) throw new ProfileConflictError(personKey);
      return outcome;
    },
    (error) => error instanceof ProfileConflictError,
    DERIVE_RETRY,
  );
}

/** People derived at once; each one's index query and write are its own, the other reads are shared. */
const PEOPLE_CONCURRENCY = 16;

/**
 * Derives many people at once (a batch of change events): their profiles and records are read with shared
 * BatchGets, in the same order as derivePerson (profiles first); only the index query and the conditional
 * write are per person. A person whose write lost a race is derived again on their own. Each person's
 * outcome, or why it failed.
 */
export async function derivePeople(
  people: ReadonlyMap<string, readonly string[]>,
  deps: DeriveDeps,
): Promise<Map<string, PromiseSettledResult<DeriveOutcome>>> {
  const keys = [...people.keys()];
  const limit = pLimit(PEOPLE_CONCURRENCY);
  const profiles = await deps.profiles.getMany(keys);
  const indexed = await Promise.allSettled(
    keys.map((key) => limit(() => deps.records.recordIdsOfPerson(key))),
  );
  const ids = keys.map((key, index) => {
    const found = indexed[index];
    return found?.status === 'fulfilled'
      ? recordIdsOf(found.value, profiles.get(key), people.get(key) ?? [])
      : [];
  });
  const read = await deps.records.getRecords(ids.flat());
  const outcomes = await Promise.allSettled(
    keys.map((key, index) =>
      limit(async () => {
        const found = indexed[index];
        if (found?.status === 'rejected') throw found.reason; // this person's index query failed: theirs alone
        const items = ownRecords(key, ids[index] ?? [], read);
        return (
          (await attempt(key, profiles.get(key), items, deps)) ??
          derivePerson(key, people.get(key) ?? [], deps)
        );
      }),
    ),
  );
  return new Map(keys.map((key, index) => [key, outcomes[index] as PromiseSettledResult<DeriveOutcome>]));
}
