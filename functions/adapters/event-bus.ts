import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import pLimit from 'p-limit';
import { retryingRemainder } from '../runtime/retry.ts';
import { PUT_EVENTS_MAX_ENTRIES } from './service-limits.ts';

export interface KeyedEntry<K> {
  key: K;
  entry: PutEventsRequestEntry;
}

export interface PublishOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Told how many entries EventBridge throttled in a call (they are retried); for the throttling alarm. */
  onThrottled?: (entries: number) => void;
  /** PutEvents calls in flight at once. @default 8 */
  concurrency?: number;
}

/**
 * Sends entries in batches of 10 (a few calls at once: the bus promises no order anyway), re-sending only the
 * entries EventBridge reports as failed (throttling, internal errors) with exponential back-off. Returns the
 * keys of entries that still failed, never throws for them, so the caller can report exactly those as batch
 * item failures.
 */
export async function putEventsReliably<K>(
  client: EventBridgeClient,
  entries: readonly KeyedEntry<K>[],
  options: PublishOptions = {},
): Promise<K[]> {
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const limit = pLimit(options.concurrency ?? 8);
  const batches: KeyedEntry<K>[][] = [];
  for (let start = 0; start < entries.length; start += PUT_EVENTS_MAX_ENTRIES) {
    batches.push(entries.slice(start, start + PUT_EVENTS_MAX_ENTRIES));
  }
  const failed = await Promise.all(
    batches.map((batch) =>
      limit(async () => {
        const left = await retryingRemainder(
          batch,
          (pending) => sendOnce(client, pending, options.onThrottled),
          { attempts: maxAttempts, baseDelayMs },
        );
        return left.map((p) => p.key);
      }),
    ),
  );
  return failed.flat();
}

const THROTTLED = 'ThrottlingException';

/** One PutEvents call; returns the entries to try again. A failed call means all of them. */
async function sendOnce<K>(
  client: EventBridgeClient,
  batch: readonly KeyedEntry<K>[],
  onThrottled: ((entries: number) => void) | undefined,
): Promise<readonly KeyedEntry<K>[]> {
  try {
    const out = await client.send(new PutEventsCommand({ Entries: batch.map((b) => b.entry) }));
    if (!out.FailedEntryCount) return [];
    const throttled = (out.Entries ?? []).filter((entry) => entry.ErrorCode === THROTTLED).length;
    if (throttled > 0) onThrottled?.(throttled);
    return batch.filter(
      (_, i) => out.Entries?.[i]?.ErrorCode !== undefined || out.Entries?.[i]?.EventId === undefined,
    );
  } catch (error) {
    if ((error as Error).name === THROTTLED) onThrottled?.(batch.length);
    return batch;
  }
}
