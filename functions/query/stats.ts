import { statsQuery } from '#api/query-api.ts';
import { chinaDateOf } from '#domain/dates.ts';
import { type StatsView, statsView } from '#domain/stats.ts';
import type { StatsStore } from '../adapters/stats-store.ts';
import { requireDepartmentRole } from '../http/department-caller.ts';
import { queryParameters } from '../http/request-body.ts';
import type { HubRequestEvent, Submitter } from '../http/submitter.ts';
import type { DerivedConfig } from '../runtime/derived-config.ts';

export interface StatsDeps {
  stats: Pick<StatsStore, 'readCounters'>;
  config: DerivedConfig;
  now: () => Date;
}

/**
 * `GET /v1/stats?division=330106`: the survey statistics (调查摸底) of one division from its counters (one
 * Query, never a scan), including the coordinators required at 800∶1 of the previous year's registrations and
 * the applications not answered by a permit within the issuance deadline.
 * Aggregates only, so any department caller may read them.
 */
export async function divisionStats(
  event: HubRequestEvent,
  caller: Submitter,
  deps: StatsDeps,
): Promise<StatsView & { asOf: string }> {
  requireDepartmentRole(caller);
  const query = queryParameters(
    event,
    statsQuery,
    'Send ?division=<6-digit province, city or county code> and optionally &asOf=YYYY-MM-DD.',
  );
  const asOf = query.asOf ?? chinaDateOf(deps.now().toISOString());
  const counters = await deps.stats.readCounters(query.division);
  return { ...statsView(counters, query.division, asOf, deps.config.stats, deps.config.permits), asOf };
}
