import { EVENT_KINDS, type EventKind, type PascalCase, pascalKind } from './kinds.ts';

/** The EventBridge `source` of every event the hub publishes. */
export const SOURCE = 'residence-data-hub';

/** What happened to a record: first version, a later version, or the version that first set its end date. */
export const CHANGES = ['created', 'updated', 'ended'] as const;
export type Change = (typeof CHANGES)[number];

type ChangeSuffix<C extends Change> = Capitalize<C>;

/** `ResidenceRegistration.Created`, `BusinessLicense.Ended`, … */
export type DetailType<
  K extends EventKind = EventKind,
  C extends Change = Change,
> = `${PascalCase<K>}.${ChangeSuffix<C>}`;

export function detailTypeOf<K extends EventKind, C extends Change>(kind: K, change: C): DetailType<K, C> {
  const suffix = (change.charAt(0).toUpperCase() + change.slice(1)) as ChangeSuffix<C>;
  return `${pascalKind(kind)}.${suffix}`;
}

/** The detail-types of one kind (`Created`, `Updated`, `Ended`). */
export function detailTypesOfKind<K extends EventKind>(kind: K): DetailType<K>[] {
  return CHANGES.map((change) => detailTypeOf(kind, change));
}

/** Reverse of `detailTypeOf`; `undefined` for anything that is not one of ours. */
export function parseDetailType(detailType: string): { kind: EventKind; change: Change } | undefined {
  for (const kind of EVENT_KINDS) {
    for (const change of CHANGES) {
      if (detailTypeOf(kind, change) === detailType) return { kind, change };
    }
  }
  return undefined;
}

export interface ChangeFacts {
  /** The version just committed (1 for a new record). */
  version: number;
  /** The record's end date in the previous version, if it had one. */
  previousEndedOn?: string | undefined;
  /** The record's end date in this version (RecordFacts.endedOn), if it has one. */
  endedOn?: string | undefined;
}

/**
 * `created` for version 1; `ended` when the end date appears for the first time; otherwise `updated`
 * (a later edit of an already ended record, or a cleared end date, is an update).
 */
export function changeOf({ version, previousEndedOn, endedOn }: ChangeFacts): Change {
  if (!Number.isInteger(version) || version < 1) {
    throw new RangeError(`version must be a positive integer, got ${version}`);
  }
  if (version === 1) return 'created';
  if (endedOn !== undefined && previousEndedOn === undefined) return 'ended';
  return 'updated';
}
