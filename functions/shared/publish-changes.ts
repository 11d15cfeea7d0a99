import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBRecord } from 'aws-lambda';
import { buildChangeEvent } from '#events/build.ts';
import type { EventKind } from '#events/kinds.ts';
import { putEventsReliably } from './bus.ts';
import { changedPaths } from './record-diff.ts';
import type { RecordStore } from './store.ts';
import { historySk, recordPk } from './store-items.ts';
import { type RecordChange, realChanges } from './stream-changes.ts';

export interface PublishDeps {
  store: RecordStore;
  eventBridge: EventBridgeClient;
  eventBusName?: string;
}

/** What Lambda needs back from a stream handler to retry only from the first failed record. */
export interface StreamBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * For every real change in a batch of stream records: write its history entry (who, when, what changed), then
 * publish its one change event. Both are idempotent per version, so a redelivered batch does no harm; a record
 * whose history or event failed is reported, and Lambda retries from it.
 */
export async function publishChanges(
  records: readonly DynamoDBRecord[],
  deps: PublishDeps,
): Promise<StreamBatchResponse> {
  const changes = realChanges(records);
  const failed = new Set<string>();
  const ready = await Promise.all(
    changes.map(async (change) => {
      try {
        const { entry } = changeEvent(change, deps.eventBusName);
        await recordHistory(change, deps.store);
        return { key: change.sequenceNumber, entry };
      } catch {
        failed.add(change.sequenceNumber);
        return undefined;
      }
    }),
  );
  const entries = ready.filter((entry) => entry !== undefined);
  for (const key of await putEventsReliably(deps.eventBridge, entries)) failed.add(key);
  return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
}

function changeEvent({ current, previous }: RecordChange, eventBusName: string | undefined) {
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
    previousEndedOn: previous?.endedOn,
    eventBusName,
  });
}

async function recordHistory({ current, previous }: RecordChange, store: RecordStore): Promise<void> {
  await store.putHistory({
    pk: recordPk(current.recordId),
    sk: historySk(current.version),
    recordId: current.recordId,
    version: current.version,
    at: current.lastChange.at,
    by: current.lastChange.by,
    ...(current.lastChange.sourceId === undefined ? {} : { sourceId: current.lastChange.sourceId }),
    changedPaths: changedPaths(previous?.record ?? {}, current.record),
    record: current.record,
  });
}
