import {
  DEFAULT_LATE_REPORT_DAYS,
  type LateReportsResponse,
  lateReportsQuery,
  MAX_LATE_REPORT_DAYS,
} from '#api/operations-api.ts';
import { ProblemError } from '#api/problems.ts';
import { addDays, chinaDateOf, daysBetween } from '#domain/dates.ts';
import type { LateReportCounter } from '../adapters/late-report-counter.ts';
import { requireAuditRight } from '../http/department-caller.ts';
import { queryParameters } from '../http/request-body.ts';
import type { HubRequestEvent, Submitter } from '../http/submitter.ts';

/**
 * `GET /v1/late-reports?from=DAY&to=DAY&limit=N`: who reports late (谁出租谁负责), most late reports first, from
 * the per-day index of late submitters (one Query per day, at most MAX_LATE_REPORT_DAYS). It names submitters,
 * so it takes a supervising caller: a department caller with an audit right.
 */
export async function lateReporters(
  event: HubRequestEvent,
  caller: Submitter,
  deps: { lateReports: Pick<LateReportCounter, 'list'>; now: () => Date },
): Promise<LateReportsResponse> {
  requireAuditRight(caller, 'Listing late reporters');
  const query = queryParameters(
    event,
    lateReportsQuery,
    'Send optionally ?from=YYYY-MM-DD&to=YYYY-MM-DD (China dates) and &limit=1..100.',
  );
  const to = query.to ?? chinaDateOf(deps.now().toISOString());
  const from = query.from ?? addDays(to, -(DEFAULT_LATE_REPORT_DAYS - 1));
  const span = daysBetween(from, to) + 1;
  if (span < 1 || span > MAX_LATE_REPORT_DAYS)
    throw new ProblemError(
      'INVALID_REQUEST',
      `from must not be after to, and the window at most ${MAX_LATE_REPORT_DAYS} days.`,
    );
  const listed = await deps.lateReports.list(Array.from({ length: span }, (_, i) => addDays(from, i)));
  const submitters = listed
    .sort((a, b) => b.lateReports - a.lateReports || a.submitterId.localeCompare(b.submitterId))
    .slice(0, query.limit ?? 20);
  return { from, to, submitters: submitters as LateReportsResponse['submitters'] };
}
