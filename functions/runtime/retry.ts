import pRetry from 'p-retry';

/*
 * Every retry in the functions and the local hub goes through here: a cap on the attempts and exponential
 * back-off with full jitter (p-retry), so racing writers and throttled batches never retry in lockstep or
 * forever. The SDK's own retries (throttling, 5xx) come first; these cover what the SDK calls a success
 * (a lost conditional write, entries a batch call left undone).
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Back-off before the first retry, doubled for each further one (randomised up to twice as long). */
  baseDelayMs: number;
  /** Longest back-off. @default 2000 */
  maxDelayMs?: number;
}

function retryOptions(policy: RetryPolicy) {
  return {
    retries: Math.max(0, policy.attempts - 1),
    factor: 2,
    minTimeout: policy.baseDelayMs,
    maxTimeout: policy.maxDelayMs ?? 2_000,
    randomize: true,
  };
}

/**
 * Runs `attempt` until it succeeds, retrying only errors `isRetryable` accepts, at most `policy.attempts`
 * times; the last error is thrown. `attempt` is told which attempt it is (1, 2, …).
 */
export function retrying<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  isRetryable: (error: Error) => boolean,
  policy: RetryPolicy,
): Promise<T> {
  return pRetry(attempt, { ...retryOptions(policy), shouldRetry: ({ error }) => isRetryable(error) });
}

/** Thrown inside `retryingRemainder` while part of a batch is undone. */
class Remainder extends Error {}

/**
 * For batch calls that can leave part of their work undone (PutEvents' failed entries, BatchWriteItem's
 * unprocessed items, BatchGetItem's unprocessed keys): `send` does what it can of `pending` and returns what is
 * left; it is called again for what is left, with back-off, at most `policy.attempts` times. Returns what is
 * still undone after the last attempt (empty when everything was done). An error `send` throws propagates.
 */
export async function retryingRemainder<T>(
  items: readonly T[],
  send: (pending: readonly T[]) => Promise<readonly T[]>,
  policy: RetryPolicy,
): Promise<T[]> {
  let pending: readonly T[] = items;
  if (pending.length === 0) return [];
  try {
    await pRetry(
      async () => {
        pending = await send(pending);
        if (pending.length > 0) throw new Remainder(`${pending.length} left`);
      },
      { ...retryOptions(policy), shouldRetry: ({ error }) => error instanceof Remainder },
    );
  } catch (error) {
    if (!(error instanceof Remainder)) throw error;
  }
  return [...pending];
}
