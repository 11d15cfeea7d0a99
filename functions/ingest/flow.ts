import type { FlowTally } from '../adapters/flow-counter.ts';
import { logger } from '../runtime/logger.ts';
import type { RecordResult } from './submit.ts';

/** Where the flow of answered records is counted: the per-minute counters, the CloudWatch metrics. */
export interface FlowRecorder {
  add(at: Date, tally: FlowTally): Promise<void> | void;
}

/** A batch's records by status, and its rejected records by error code (each code once per record). */
export function flowTally(results: readonly RecordResult[]): FlowTally {
  const tally = { accepted: 0, unchanged: 0, rejected: 0, codes: new Map<string, number>() };
  for (const result of results) {
    tally[result.status] += 1;
    for (const code of new Set(result.errors.map((error) => error.code)))
      tally.codes.set(code, (tally.codes.get(code) ?? 0) + 1);
  }
  return tally;
}

/**
 * Counts a batch once its records are stored. The counters are for watching, not the record of truth: a
 * recorder that fails is logged and the submission's answer stands (its records are stored either way).
 */
export async function recordFlow(
  recorders: readonly FlowRecorder[],
  at: Date,
  results: readonly RecordResult[],
): Promise<void> {
  if (recorders.length === 0 || results.length === 0) return;
  const tally = flowTally(results);
  const outcomes = await Promise.allSettled(recorders.map(async (recorder) => recorder.add(at, tally)));
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected')
      logger.warn('flow counters not updated', { error: outcome.reason as Error });
  }
}
