import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { retryingRemainder } from '#functions/runtime/retry.ts';
import type { Target } from './target.ts';

/**
 * Sends up to 10 messages (SendMessageBatch's limit), re-sending the entries SQS reports failed with back-off (a call that fails outright
 * counts as all of them failed). Returns the ids of the entries still not sent, so the caller can count them and
 * keep their source (nothing dropped silently).
 */
export async function sendBatch(
  target: Target,
  queueUrl: string,
  entries: readonly SendMessageBatchRequestEntry[],
): Promise<string[]> {
  const unsent = await retryingRemainder(
    entries,
    async (pending) => {
      try {
        const { Failed = [] } = await target.sqs.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [...pending] }),
        );
        const failed = new Set(Failed.map((failure) => failure.Id));
        return pending.filter((entry) => failed.has(entry.Id));
      } catch {
        return pending;
      }
    },
    { attempts: 4, baseDelayMs: 100 },
  );
  return unsent.map((entry) => entry.Id ?? '');
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
