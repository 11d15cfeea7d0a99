import { describe, expect, it } from 'vitest';
import { msUntilNextDailyRun } from '#local/derived-services.ts';

const MINUTE = 60_000;

describe('the local hub’s daily evaluation timer', () => {
  it('fires at 00:05 China time (16:05 UTC the day before)', () => {
    expect(msUntilNextDailyRun(new Date('2026-11-25T16:04:00Z'))).toBe(MINUTE);
    expect(msUntilNextDailyRun(new Date('2026-11-25T00:00:00Z'))).toBe((16 * 60 + 5) * MINUTE);
  });

  it('waits a whole day when it is exactly the moment, so one day never runs twice', () => {
    expect(msUntilNextDailyRun(new Date('2026-11-25T16:05:00Z'))).toBe(24 * 60 * MINUTE);
    expect(msUntilNextDailyRun(new Date('2026-11-25T16:05:00.001Z'))).toBe(24 * 60 * MINUTE - 1);
  });
});
