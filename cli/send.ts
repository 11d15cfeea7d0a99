import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import type { Target } from './target.ts';

/** SendMessageBatch takes at most 10 entries. */
export const SEND_BATCH = 10;
const ATTEMPTS = 4;

/**
 * Sends up to 10 messages, re-sending the entries SQS reports failed with back-off. Returns the ids of the
 * entries still not sent, so the caller can count them and keep their source (nothing dropped silently).
 */
export async function sendBatch(
  target: Target,
  queueUrl: string,
  entries: readonly SendMessageBatchRequestEntry[],
): Promise<string[]> {
  let pending = [...entries];
  for (let attempt = 1; pending.length > 0 && attempt <= ATTEMPTS; attempt += 1) {
    if (attempt > 1) await sleep(100 * 2 ** (attempt - 2));
    try {
      const { Failed = [] } = await target.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }),
      );
      const failed = new Set(Failed.map((failure) => failure.Id));
      pending = pending.filter((entry) => failed.has(entry.Id));
    } catch {
      // The whole call failed: try all of them again.
    }
  }
  return pending.map((entry) => entry.Id ?? '');
}

/** At most `perSecond` messages a second, across calls. */
export function rateLimiter(perSecond: number | undefined): (messages: number) => Promise<void> {
  let nextFree = Date.now();
  return async (messages) => {
    if (perSecond === undefined) return;
    const now = Date.now();
    const start = Math.max(now, nextFree);
    nextFree = start + (messages * 1000) / perSecond;
    if (start > now) await sleep(start - now);
  };
}
