/*
 * API Gateway's stage throttling, emulated: the token bucket AWS documents for it, one per route (a stage's
 * default route settings apply to each route). A bucket holds up to `burstLimit` tokens and refills at
 * `rateLimit` per second; a request takes one token or is refused. A dozen lines, so no library.
 */

export interface ThrottleLimits {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests the bucket holds for a burst. */
  readonly burstLimit: number;
}

/** Whether a request on `route` may pass now; `now` is in milliseconds (tests pass their own clock). */
export type RouteThrottle = (route: string) => boolean;

export function createRouteThrottle(
  limits: ThrottleLimits,
  now: () => number = () => performance.now(),
): RouteThrottle {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (route) => {
    const at = now();
    const bucket = buckets.get(route) ?? { tokens: limits.burstLimit, at };
    const tokens = Math.min(limits.burstLimit, bucket.tokens + ((at - bucket.at) / 1000) * limits.rateLimit);
    const passes = tokens >= 1;
    buckets.set(route, { tokens: passes ? tokens - 1 : tokens, at });
    return passes;
  };
}
