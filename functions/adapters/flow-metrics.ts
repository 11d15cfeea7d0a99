import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { FlowTally } from './flow-counter.ts';

/*
 * The flow as CloudWatch metrics, in the embedded metric format (Powertools Metrics): records per status, and
 * rejected records per error code with the code as the only dimension beside Powertools' `service` — a code
 * of the closed catalogue (schemas/errors.ts), never a value of a record. The dashboard (infra) reads these
 * names; the namespace is the function's POWERTOOLS_METRICS_NAMESPACE, set by infra.
 */

export const FLOW_METRICS = {
  accepted: 'RecordsAccepted',
  unchanged: 'RecordsUnchanged',
  rejected: 'RecordsRejected',
  rejectedByCode: 'RecordsRejectedByCode',
} as const;

export const ERROR_CODE_DIMENSION = 'code';

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
