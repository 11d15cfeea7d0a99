import { type Change, changeOf, type DetailType, detailTypeOf, SOURCE } from './catalogue.ts';
import type { EventKind } from './kinds.ts';
import { CHANGE_EVENT_SCHEMA_VERSION, type ChangeEventDetail, detailSchemaForType } from './payload.ts';
import { projectedRecord } from './subscriptions.ts';

/** EventBridge's limit on one PutEvents entry (Time 14 bytes + Source + DetailType + Detail + Resources). */
export const MAX_ENTRY_BYTES = 256 * 1024;

export interface ChangeEventInput<K extends EventKind = EventKind> {
  kind: K;
  recordId: string;
  version: number;
  /** Absent for kinds without a subject person (rental-property). */
  personKey?: string | undefined;
  divisionCode: string;
  occurredAt: string | Date;
  submittedBy: { role: string; submitterId: string };
  /** The canonical record of this version. */
  record: Record<string, unknown>;
  /** RecordFacts.endedOn of this version and of the previous one: they decide `created|updated|ended`. */
  endedOn?: string | undefined;
  previousEndedOn?: string | undefined;
  /** Omit to publish on the account's default bus. */
  eventBusName?: string | undefined;
}

/** Ready for `PutEventsCommand({ Entries: [entry] })`. */
export interface ChangeEventEntry {
  Source: typeof SOURCE;
  DetailType: DetailType;
  Detail: string;
  EventBusName?: string;
}

export interface ChangeEvent<K extends EventKind = EventKind> {
  entry: ChangeEventEntry;
  detail: ChangeEventDetail<K>;
  change: Change;
}

export class ChangeEventTooLargeError extends Error {
  override name = 'ChangeEventTooLargeError';
  readonly recordId: string;
  readonly bytes: number;
  constructor(recordId: string, bytes: number) {
    super(
      `change event for ${recordId} is ${bytes} bytes, over EventBridge's ${MAX_ENTRY_BYTES}-byte entry limit`,
    );
    this.recordId = recordId;
    this.bytes = bytes;
  }
}

/**
 * The one change event for a committed record version; its record carries every path a department receives
 * (projectedRecord: `null` where it has no value). The detail is validated against the contract
 * (a ZodError means the publisher was handed something the contract forbids: fail loudly, never publish it).
 */
export function buildChangeEvent<K extends EventKind>(input: ChangeEventInput<K>): ChangeEvent<K> {
  const change = changeOf({
    version: input.version,
    previousEndedOn: input.previousEndedOn,
    endedOn: input.endedOn,
  });
  const occurredAt = input.occurredAt instanceof Date ? input.occurredAt.toISOString() : input.occurredAt;
  const candidate = {
    id: `${input.recordId}:${input.version}`,
    schemaVersion: CHANGE_EVENT_SCHEMA_VERSION,
    kind: input.kind,
    change,
    recordId: input.recordId,
    version: input.version,
    ...(input.personKey === undefined ? {} : { personKey: input.personKey }),
    divisionCode: input.divisionCode,
    occurredAt,
    submittedBy: { role: input.submittedBy.role, submitterId: input.submittedBy.submitterId },
    record: projectedRecord(input.kind, input.record),
  };
  const detail = detailSchemaForType(input.kind, change).parse(candidate) as ChangeEventDetail<K>;
  const detailType = detailTypeOf(input.kind, change);
  const entry: ChangeEventEntry = {
    Source: SOURCE,
    DetailType: detailType,
    Detail: JSON.stringify(detail),
    ...(input.eventBusName === undefined ? {} : { EventBusName: input.eventBusName }),
  };
  const bytes = entryBytes(entry);
  if (bytes > MAX_ENTRY_BYTES) throw new ChangeEventTooLargeError(input.recordId, bytes);
  return { entry, detail, change };
}

/**
 * The size EventBridge charges an entry against MAX_ENTRY_BYTES: 14 bytes for a Time, then the UTF-8 bytes of
 * Source, DetailType, Detail and each resource. The local bus enforces the limit by the same count.
 */
export function entryBytes(entry: {
  Source?: string | undefined;
  DetailType?: string | undefined;
  Detail?: string | undefined;
  Resources?: readonly string[] | undefined;
  Time?: Date | undefined;
}): number {
  const bytes = (text: string | undefined) => (text === undefined ? 0 : utf8.encode(text).length);
  return (
    (entry.Time === undefined ? 0 : 14) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}

const utf8 = new TextEncoder();
