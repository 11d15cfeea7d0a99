import { describe, expect, it } from 'vitest';
import { retrying, retryingRemainder } from '#functions/runtime/retry.ts';

const QUICK = { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 } as const;

class Conflict extends Error {}

describe('retrying', () => {
  it('retries a retryable error until the attempt succeeds, telling each attempt its number', async () => {
    const seen: number[] = [];
    const result = await retrying(
      async (attemptNumber) => {
        seen.push(attemptNumber);
        if (attemptNumber < 3) throw new Conflict('lost the race');
        return 'written';
      },
      (error) => error instanceof Conflict,
      QUICK,
    );
    expect(result).toBe('written');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('stops at the cap and throws the last error', async () => {
    let calls = 0;
    const run = retrying(
      async () => {
        calls += 1;
        throw new Conflict(`attempt ${calls}`);
      },
      (error) => error instanceof Conflict,
      QUICK,
    );
    await expect(run).rejects.toThrow('attempt 4');
    expect(calls).toBe(QUICK.attempts);
  });

  it('does not retry an error the caller does not call retryable', async () => {
    let calls = 0;
    const run = retrying(
      async () => {
        calls += 1;
        throw new Error('table missing');
      },
      (error) => error instanceof Conflict,
      QUICK,
    );
    await expect(run).rejects.toThrow('table missing');
    expect(calls).toBe(1);
  });
});

describe('retryingRemainder', () => {
  it('sends again only what the last call left undone, and returns nothing when all is done', async () => {
    const sent: number[][] = [];
    const left = await retryingRemainder(
      [1, 2, 3, 4, 5],
      async (pending) => {
        sent.push([...pending]);
        return pending.filter((n) => n % 2 === 0 && sent.length < 3);
      },
      QUICK,
    );
    expect(left).toEqual([]);
    expect(sent).toEqual([
      [1, 2, 3, 4, 5],
      [2, 4],
      [2, 4],
    ]);
  });

  it('returns what is still undone after the last attempt, never looping past the cap', async () => {
    let calls = 0;
    const left = await retryingRemainder(
      ['a', 'b'],
      async (pending) => {
        calls += 1;
        return pending.slice(1);
      },
      QUICK,
    );
    expect(left).toEqual([]);
    expect(calls).toBe(2);

    calls = 0;
    const stuck = await retryingRemainder(
      ['a', 'b'],
      async (pending) => {
        calls += 1;
        return pending;
      },
      QUICK,
    );
    expect(stuck).toEqual(['a', 'b']);
    expect(calls).toBe(QUICK.attempts);
  });

  it('does not call send for an empty batch, and lets an error send throws propagate', async () => {
    let calls = 0;
    expect(
      await retryingRemainder(
        [],
        async () => {
          calls += 1;
          return [];
        },
        QUICK,
      ),
    ).toEqual([]);
    expect(calls).toBe(0);
    await expect(
      retryingRemainder(
        [1],
        async () => {
          throw new Error('access denied');
        },
        QUICK,
      ),
    ).rejects.toThrow('access denied');
  });
});
