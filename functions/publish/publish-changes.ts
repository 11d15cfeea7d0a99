import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBRecord } from 'aws-lambda';
import { changedPaths } from '#domain/record-diff.ts';
import { buildChangeEvent } from '#events/build.ts';
import type { EventKind } from '#events/kinds.ts';
import { describeRecord, type RecordKind } from '#schemas/index.ts';
import { type KeyedEntry, putEventsReliably } from '../adapters/event-bus.ts';
import type { RecordStore } from '../adapters/record-store.ts';
import { type HistoryItem, historySk, type RecordItem, recordPk } from '../adapters/store-items.ts';
import { profileEvents, type RecordChange, realChanges } from './stream-changes.ts';

export interface PublishDeps {
  store: RecordStore;
  eventBridge: EventBridgeClient;
  eventBusName?: string;
  /** Counts the entries EventBridge throttled (the throttled-PutEvents alarm). */
  onThrottled?: (entries: number) => void;
}

/** What Lambda needs back from a stream handler to retry only from the first failed record. */
export interface StreamBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * For every real change of a record in a batch of stream records: write its history entry (who, when, what
 * changed), then publish its one change event; for every new version of a person's profile, publish the
 * derived events in its outbox. All are idempotent per version (events keep their ids), so a redelivered
 * batch does no harm; a stream record whose history or events failed is reported, and Lambda retries from it.
 * History entries go in batches, events in PutEvents calls of 10.
 */
export async function publishChanges(
  records: readonly DynamoDBRecord[],
  deps: PublishDeps,
): Promise<StreamBatchResponse> {
  const failed = new Set<string>();
  const ready: { change: RecordChange; history: HistoryItem; entry: KeyedEntry<string>['entry'] }[] = [];
  for (const change of realChanges(records)) {
    try {
      const { entry } = changeEventOf(change.current, change.previous?.endedOn, deps.eventBusName);
      ready.push({ change, history: historyOf(change), entry });
    } catch {
      failed.add(change.sequenceNumber);
    }
  }
  const histories = ready.map(({ history }) => history);
  const unwritten = new Set(
    (await deps.store.putHistories(histories).catch(() => histories)).map(historyKey),
  );
  const entries: KeyedEntry<string>[] = [];
  for (const { change, history, entry } of ready) {
    if (unwritten.has(historyKey(history))) failed.add(change.sequenceNumber);
    else entries.push({ key: change.sequenceNumber, entry });
  }
  for (const { sequenceNumber, entries: derived } of profileEvents(records)) {
    for (const entry of derived) entries.push({ key: sequenceNumber, entry });
  }
  for (const key of await putEventsReliably(deps.eventBridge, entries, { onThrottled: deps.onThrottled }))
    failed.add(key);
  return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
}

/**
 * The change event of a record's current version: the publisher's for each committed change, and a backfill's
 * for the current version (same id, version and detail, so consumers de-duplicate it).
 */
export function changeEventOf(
  current: RecordItem,
  previousEndedOn: string | undefined,
  eventBusName?: string,
) {
  return buildChangeEvent({
    kind: current.kind as EventKind,
    recordId: current.recordId,
    version: current.version,
    personKey: current.personKey,
    divisionCode: current.divisionCode,
    occurredAt: current.lastChange.at,
    submittedBy: current.lastChange.by,
    record: current.record,
    endedOn: current.endedOn,
    previousEndedOn,
    eventBusName,
  });
}

/**
 * The end date of the version before `version`, which decides `ended` or `updated`: the publisher has it in
 * the stream's old image; a backfill or a replay reads the history entry (only records with an end date can
 * be `ended`, so a caller asks for those alone).
 */
export async function endedOnBefore(
  store: Pick<RecordStore, 'getHistoryEntry'>,
  kind: string,
  recordId: string,
  version: number,
): Promise<string | undefined> {
  if (version === 1) return undefined;
  const previous = await store.getHistoryEntry(recordId, version - 1);
  return previous === undefined
    ? undefined
    : describeRecord(kind as RecordKind, previous.record as never).endedOn;
}

const historyKey = ({ pk, sk }: HistoryItem): string => `${pk}\n${sk}`;

function historyOf({ current, previous }: RecordChange): HistoryItem {
  return {
    pk: recordPk(current.recordId),
    sk: historySk(current.version),
    recordId: current.recordId,
    version: current.version,
    at: current.lastChange.at,
    by: current.lastChange.by,
    ...(current.lastChange.sourceId === undefined ? {} : { sourceId: current.lastChange.sourceId }),
    changedPaths: changedPaths(previous?.record ?? {}, current.record),
    record: current.record,
  };
}
