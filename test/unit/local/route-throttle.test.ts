import { describe, expect, it } from 'vitest';
import { createRouteThrottle } from '#local/route-throttle.ts';

// API Gateway's token bucket, on a clock the test moves (no test waits on the real one).

describe('the local stage throttle (local/route-throttle.ts)', () => {
  it('lets a burst through, then refills at the steady rate', () => {
    // Prepare
    let now = 0;
    const passes = createRouteThrottle({ rateLimit: 2, burstLimit: 3 }, () => now);

    // Act / Assess
    expect([passes('POST /v1/records'), passes('POST /v1/records'), passes('POST /v1/records')]).toEqual([
      true,
      true,
      true,
    ]);
    expect(passes('POST /v1/records')).toBe(false);
    now = 499;
    expect(passes('POST /v1/records')).toBe(false);
    now = 500; // one token back at 2 per second
    expect(passes('POST /v1/records')).toBe(true);
    expect(passes('POST /v1/records')).toBe(false);
    now = 60_000; // refilled, never beyond the burst
    expect([1, 2, 3, 4].map(() => passes('POST /v1/records'))).toEqual([true, true, true, false]);
  });

  it('keeps one bucket per route, as a stage’s default route settings apply to each route', () => {
    const passes = createRouteThrottle({ rateLimit: 1, burstLimit: 1 }, () => 0);
    expect(passes('POST /v1/records')).toBe(true);
    expect(passes('POST /v1/records')).toBe(false);
    expect(passes('GET /v1/stats')).toBe(true);
  });
});
