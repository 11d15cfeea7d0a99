import {
  DEFAULT_FLOW_MINUTES,
  type FlowResponse,
  flowQuery,
  MAX_FLOW_MINUTES,
  minuteOf,
} from '#api/operations-api.ts';
import { ProblemError } from '#api/problems.ts';
import { ERROR_CATALOGUE, type ErrorCode } from '#schemas/errors.ts';
import type { FlowCounter } from '../adapters/flow-counter.ts';
import { requireDepartmentRole } from '../http/department-caller.ts';
import { queryParameters } from '../http/request-body.ts';
import type { HubRequestEvent, Submitter } from '../http/submitter.ts';

const MINUTE_MS = 60_000;
const startOfMinute = (at: Date): number => Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS;

/**
 * `GET /v1/flow?from=…&to=…`: records per minute by status over a window of at most a day (default the last
 * hour), every minute present, and the rejection codes of the window with the catalogue's English and Chinese
 * messages. Aggregates only, so any department caller may read them.
 */
export async function flowWindow(
  event: HubRequestEvent,
  caller: Submitter,
  deps: { flow: Pick<FlowCounter, 'read'>; now: () => Date },
): Promise<FlowResponse> {
  requireDepartmentRole(caller);
  const query = queryParameters(
    event,
    flowQuery,
    'Send optionally ?from= and &to= as ISO UTC times, at most a day apart.',
  );
  const to = startOfMinute(query.to === undefined ? deps.now() : new Date(query.to));
  const from =
    query.from === undefined
      ? to - (DEFAULT_FLOW_MINUTES - 1) * MINUTE_MS
      : startOfMinute(new Date(query.from));
  const span = (to - from) / MINUTE_MS + 1;
  if (span < 1 || span > MAX_FLOW_MINUTES)
    throw new ProblemError(
      'INVALID_REQUEST',
      `from must not be after to, and the window at most ${MAX_FLOW_MINUTES} minutes.`,
    );
  const counted = new Map((await deps.flow.read(new Date(from), new Date(to))).map((m) => [m.minute, m]));
  const totals = { accepted: 0, unchanged: 0, rejected: 0 };
  const codes = new Map<string, number>();
  const minutes = Array.from({ length: span }, (_, i) => {
    const minute = minuteOf(new Date(from + i * MINUTE_MS));
    const found = counted.get(minute);
    const row = {
      minute,
      accepted: found?.accepted ?? 0,
      unchanged: found?.unchanged ?? 0,
      rejected: found?.rejected ?? 0,
    };
    totals.accepted += row.accepted;
    totals.unchanged += row.unchanged;
    totals.rejected += row.rejected;
    for (const [code, n] of found?.codes ?? []) codes.set(code, (codes.get(code) ?? 0) + n);
    return row;
  });
  const rejectionCodes = [...codes]
    .filter((entry): entry is [ErrorCode, number] => Object.hasOwn(ERROR_CATALOGUE, entry[0]))
    .sort(([a, n], [b, m]) => m - n || a.localeCompare(b))
    .map(([code, records]) => ({ code, records, message: { ...ERROR_CATALOGUE[code] } }));
  return { from: minuteOf(new Date(from)), to: minuteOf(new Date(to)), minutes, totals, rejectionCodes };
}
