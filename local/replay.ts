import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ProblemError, problemResponse } from '#api/problems.ts';
import { type CompiledRule, projectFor, routedEvent } from '#events/index.ts';
import type { DeliveryTally } from '#functions/adapters/delivery-log.ts';
import type { RecordStore } from '#functions/adapters/record-store.ts';
import type { HistoryItem, RecordItem } from '#functions/adapters/store-items.ts';
import { changeEventOf, endedOnBefore } from '#functions/publish/publish-changes.ts';
import { describeRecord, type RecordKind } from '#schemas/index.ts';
import type { LocalRoute } from './api-server.ts';

/*
 * Replay on the local hub, as EventBridge's archive replay with the subscriber's rules as the only targets
 * (`FilterArns`) does on AWS: the change events of a time range again, rebuilt from the history entries (the
 * local hub has no archive; history holds every version), each marked with `replay-name`, projected by the
 * subscriber's rules and sent to its queue alone.
 */

export const REPLAY_ROUTE_PATH = '/_local/replay';

const replayRequest = z.strictObject({
  subscriber: z.string().min(1),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  name: z
    .string()
    .regex(/^[.\-_A-Za-z0-9]{1,64}$/)
    .optional(),
});

export interface ReplayDeps {
  store: RecordStore;
  /** Subscriber id → its rules and queue, as the hub routes them. */
  subscribers: ReadonlyMap<
    string,
    { rules: readonly CompiledRule[]; send: (body: string) => Promise<unknown> }
  >;
  deliveries: DeliveryTally;
}

/** `POST /_local/replay {"subscriber","from","to","name"?}` → `{ name, replayed }`. */
export function replayRoute(deps: ReplayDeps): LocalRoute {
  return {
    method: 'POST',
    path: REPLAY_ROUTE_PATH,
    authorized: false,
    handler: async (event) => {
      const parsed = replayRequest.safeParse(JSON.parse(event.body ?? '{}'));
      if (!parsed.success) {
        return problemResponse(
          new ProblemError(
            'INVALID_REQUEST',
            'Send {"subscriber","from","to"} with ISO times, optionally "name".',
          ),
          REPLAY_ROUTE_PATH,
        );
      }
      const { subscriber, from, to } = parsed.data;
      const target = deps.subscribers.get(subscriber);
      if (target === undefined) {
        return problemResponse(
          new ProblemError('NOT_FOUND', `no subscriber ${subscriber}`),
          REPLAY_ROUTE_PATH,
        );
      }
      const name = parsed.data.name ?? `${subscriber.replace('@', '-')}-${randomUUID().slice(0, 8)}`;
      const replayed = await replay(deps.store, target, subscriber, deps.deliveries, {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        name,
      });
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, replayed }),
      };
    },
  };
}

async function replay(
  store: RecordStore,
  target: { rules: readonly CompiledRule[]; send: (body: string) => Promise<unknown> },
  subscriber: string,
  deliveries: DeliveryTally,
  range: { from: string; to: string; name: string },
): Promise<number> {
  const entries: HistoryItem[] = [];
  let after: Record<string, unknown> | undefined;
  do {
    const page = await store.scanHistory(range, after);
    entries.push(...page.items);
    after = page.next;
  } while (after);
  entries.sort((a, b) => a.at.localeCompare(b.at) || a.version - b.version);
  const current = await store.getRecords(entries.map((entry) => entry.recordId));
  let replayed = 0;
  for (const entry of entries) {
    const record = current.get(entry.recordId);
    if (record === undefined) continue;
    const { entry: event } = changeEventOf(
      asVersion(record, entry),
      await endedOnBefore(store, record.kind, entry.recordId, entry.version),
    );
    const body = projectFor(
      target.rules,
      routedEvent(event.DetailType, JSON.parse(event.Detail), range.name),
    );
    if (body === undefined) continue;
    await target.send(body);
    deliveries.count(subscriber, event.DetailType, 'replayed');
    replayed += 1;
  }
  await deliveries.flush();
  return replayed;
}

/** The record item as it was at a version: the entry's record and facts, the record's stable person key. */
function asVersion(current: RecordItem, entry: HistoryItem): RecordItem {
  const facts = describeRecord(current.kind as RecordKind, entry.record as never);
  const { endedOn: _currentEnd, ...rest } = current;
  return {
    ...rest,
    version: entry.version,
    record: entry.record,
    divisionCode: facts.divisionCode,
    ...(facts.endedOn === undefined ? {} : { endedOn: facts.endedOn }),
    lastChange: {
      by: entry.by,
      at: entry.at,
      ...(entry.sourceId === undefined ? {} : { sourceId: entry.sourceId }),
    },
  };
}
