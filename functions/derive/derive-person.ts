import { setTimeout as sleep } from 'node:timers/promises';
import { chinaDateOf } from '#domain/dates.ts';
import { buildPersonProfile, type ProfileSource } from '#domain/profile.ts';
import { ProfileConflictError, type ProfileItem, type ProfileStore } from '../adapters/profile-store.ts';
import type { RecordStore } from '../adapters/record-store.ts';
import type { RecordItem } from '../adapters/store-items.ts';
import type { DerivedConfig } from '../runtime/derived-config.ts';
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
const MAX_ATTEMPTS = 10;

const toSource = (item: RecordItem): ProfileSource =>
  ({
    recordId: item.recordId,
    kind: item.kind,
    version: item.version,
    record: item.record,
    updatedAt: item.updatedAt,
  }) as ProfileSource;

/**
 * The person's current records. The person index (gsi1) is eventually consistent, so its ids are joined with
 * the ids the stored profile was built from and the ids the event names, and all are read with a consistent
 * BatchGet: a record just written, or one an earlier run already saw, is never missed.
 */
async function currentRecords(
  personKey: string,
  before: ProfileItem | undefined,
  hintRecordIds: readonly string[],
  records: RecordStore,
): Promise<RecordItem[]> {
  const indexed = await records.recordsOfPerson(personKey);
  const ids = new Set([
    ...indexed.map((item) => item.recordId),
    ...Object.keys(before?.profile.sources ?? {}),
    ...hintRecordIds,
  ]);
  const items = await records.getRecords([...ids]);
  return [...items.values()].filter(
    (item) => item.personKey === personKey && item.kind !== 'rental-property',
  );
}

/**
 * Re-derives one person's profile from their current records, as of today (China date): writes a new version
 * when something changed (conditional on the version read; a lost race re-reads and decides again), with the
 * version's derived events in its outbox. Those events (functions/publish) and the statistics
 * (functions/stats) follow from the profile item's stream.
 * The profile is read BEFORE the records, so a version written by a concurrent run that read older records
 * always makes this run's write fail its condition rather than overwrite newer content.
 */
export async function derivePerson(
  personKey: string,
  hintRecordIds: readonly string[],
  deps: DeriveDeps,
): Promise<DeriveOutcome> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const before = await deps.profiles.get(personKey);
    const items = await currentRecords(personKey, before, hintRecordIds, deps.records);
    if (items.length === 0 && before === undefined) {
      return { personKey, version: 0, wrote: false, events: [] };
    }
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
        if (!(error instanceof ProfileConflictError)) throw error;
        await sleep(Math.random() * 10 * attempt); // jitter, so racing runs do not collide again in lockstep
        continue;
      }
    }
    const current = plan.item ?? before;
    if (current === undefined) throw new Error('unreachable: no profile after a derivation');
    return { personKey, version: current.version, wrote: plan.item !== undefined, events: plan.events };
  }
  throw new ProfileConflictError(personKey);
}
