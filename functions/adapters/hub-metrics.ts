import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { FlowTally } from './flow-counter.ts';

/*
 * The hub's own CloudWatch metrics, in the embedded metric format (Powertools Metrics). The dashboard and the
 * alarms (infra) read these names; the namespace is each function's POWERTOOLS_METRICS_NAMESPACE, set by infra,
 * and Powertools adds the dimension `service` (ingest, publish). No dimension ever holds personal data.
 * - ingest: records per status, and rejected records per error code with the code as a dimension — a code of
 *   the closed catalogue (schemas/errors.ts), never a value of a record;
 * - publish: PutEvents entries EventBridge throttled (each is retried; many mean the bus's quota is near).
 */

export const FLOW_METRICS = {
  accepted: 'RecordsAccepted',
  unchanged: 'RecordsUnchanged',
  rejected: 'RecordsRejected',
  rejectedByCode: 'RecordsRejectedByCode',
} as const;

export const ERROR_CODE_DIMENSION = 'code';

export const PUT_EVENTS_THROTTLED_METRIC = 'PutEventsThrottled';

/** A callback for putEventsReliably (event-bus.ts) that counts throttled entries. */
export const countThrottledPutEvents =
  (metrics: Metrics) =>
  (entries: number): void => {
    metrics.addMetric(PUT_EVENTS_THROTTLED_METRIC, MetricUnit.Count, entries);
    metrics.publishStoredMetrics();
  };

export class FlowMetrics {
  readonly #metrics: Metrics;

  constructor(metrics: Metrics) {
    this.#metrics = metrics;
  }

  /** Writes one batch's counts: one EMF line for the statuses, one per error code. */
  add(_at: Date, tally: FlowTally): void {
    for (const status of ['accepted', 'unchanged', 'rejected'] as const)
      this.#metrics.addMetric(FLOW_METRICS[status], MetricUnit.Count, tally[status]);
    this.#metrics.publishStoredMetrics();
    for (const [code, n] of tally.codes) {
      this.#metrics
        .singleMetric()
        .addDimension(ERROR_CODE_DIMENSION, code)
        .addMetric(FLOW_METRICS.rejectedByCode, MetricUnit.Count, n);
    }
  }
}
