import {
  DELIVERY_OUTCOMES,
  type DeliveriesResponse,
  type DeliveryRow,
  deliveriesQuery,
  noDeliveries,
} from '#api/deliveries-api.ts';
import { ProblemError } from '#api/problems.ts';
import type { DeliveryLog } from '../adapters/delivery-log.ts';
import type { DeliveryMetrics } from '../adapters/delivery-metrics.ts';
import { requireDepartment } from '../http/department-caller.ts';
import { queryParameters } from '../http/request-body.ts';
import type { HubRequestEvent, Submitter } from '../http/submitter.ts';

export interface DeliveriesDeps {
  deliveries: Pick<DeliveryLog, 'read'>;
  metrics?: DeliveryMetrics | undefined;
}

/** The longest range one request may ask for (CloudWatch keeps hourly data 63 days). */
const MAX_DAYS = 62;

/** The rows of the log and the metrics, one per day and event type, and the totals. */
export async function subscriberDeliveries(
  subscriber: string,
  from: string,
  to: string,
  deps: DeliveriesDeps,
): Promise<DeliveriesResponse> {
  const sources = await Promise.all([
    deps.deliveries.read(subscriber, from, to),
    deps.metrics?.read(subscriber, from, to) ?? [],
  ]);
  const rows = new Map<string, DeliveryRow>();
  for (const row of sources.flat()) {
    const key = `${row.day}#${row.eventType}`;
    const sum = rows.get(key) ?? { day: row.day, eventType: row.eventType, ...noDeliveries() };
    for (const outcome of DELIVERY_OUTCOMES) sum[outcome] += row[outcome];
    rows.set(key, sum);
  }
  const days = [...rows.values()].sort((a, b) =>
    `${a.day}#${a.eventType}`.localeCompare(`${b.day}#${b.eventType}`),
  );
  const totals = noDeliveries();
  for (const row of days) for (const outcome of DELIVERY_OUTCOMES) totals[outcome] += row[outcome];
  return { subscriber, from, to, days, totals };
}

/**
 * `GET /v1/deliveries?subscriber=public-security@3301&from=2026-11-01&to=2026-11-30`: what was delivered,
 * dead-lettered, redriven, backfilled and replayed to a subscriber, per day and event type. The audit right
 * decides: `audit: true` covers the caller's own department's subscribers, `"all"` every subscriber.
 */
export async function deliveryLog(
  event: HubRequestEvent,
  caller: Submitter,
  deps: DeliveriesDeps,
): Promise<DeliveriesResponse> {
  const own = requireDepartment(caller);
  if (own.audit === undefined)
    throw new ProblemError('FORBIDDEN', 'Reading the delivery log needs an audit right (claim "audit").');
  const query = queryParameters(
    event,
    deliveriesQuery,
    'Send ?subscriber=<department>[@<division prefix>]&from=YYYY-MM-DD, optionally &to=YYYY-MM-DD.',
  );
  const to = query.to ?? query.from;
  const days = (Date.parse(to) - Date.parse(query.from)) / 86_400_000;
  if (days < 0 || days >= MAX_DAYS)
    throw new ProblemError(
      'INVALID_REQUEST',
      `from must not be after to, and the range at most ${MAX_DAYS} days.`,
    );
  const department = query.subscriber.split('@')[0];
  if (department !== own.department && own.audit !== 'all')
    throw new ProblemError(
      'FORBIDDEN',
      "The audit right of this caller covers its own department's subscribers only.",
    );
  return subscriberDeliveries(query.subscriber, query.from, to, deps);
}
