/*
 * Exit codes scripts can rely on (README "Operations"):
 *   0  done
 *   1  the operation ran and failed (a check failed, records rejected, messages not moved, hub unreachable)
 *   2  bad arguments: an unknown command or option, a malformed value, an unknown subscriber
 */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The caller asked for something malformed or unknown: a one-line message and the usage hint, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The operation could not be done or did not pass: a one-line message, exit 1. */
export class OperationError extends Error {
  override name = 'OperationError';
}
