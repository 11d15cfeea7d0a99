import pLimit from 'p-limit';
import { addDays } from '#domain/dates.ts';
import { ProfileConflictError, type ProfileItem } from '../adapters/profile-store.ts';
import { retrying } from '../runtime/retry.ts';
import type { DeriveDeps } from './derive-person.ts';
import { planProfile } from './profile-plan.ts';

export interface EvaluationOptions {
  /** The day to evaluate as of (`YYYY-MM-DD`, China date). */
  asOf: string;
}

export interface EvaluationSummary {
  asOf: string;
  /** The due days looked at: from the day after the last run (or the look-back) through asOf. */
  from?: string;
  days: number;
  /** Profiles due in those days and re-evaluated. */
  evaluated: number;
  /** Of those, how many got a PermitEligibility.Changed event. */
  changed: number;
}

export interface EvaluateDeps extends DeriveDeps {
  /** Days looked back on the very first run, when no mark says where the last one stopped. @default 366 */
  firstRunLookbackDays?: number;
  /** Profiles re-evaluated at once. @default 8 */
  concurrency?: number;
}

/** Enough for a derivation racing the evaluation on one profile; every retry re-reads it. */
const EVALUATE_RETRY = { attempts: 10, baseDelayMs: 5, maxDelayMs: 200 } as const;

/** Re-evaluates one due profile as of `asOf`; true when its eligibility outcome changed. */
function reevaluate(personKey: string, asOf: string, deps: EvaluateDeps): Promise<boolean> {
  return retrying(
    async () => {
      const before: ProfileItem | undefined = await deps.profiles.get(personKey);
      // The index is eventually consistent, and a derivation may have moved the day since.
      if (before?.reviewOn === undefined || before.reviewOn > asOf) return false;
      const plan = planProfile(before, before.profile, {
        config: deps.config,
        asOf,
        at: deps.now().toISOString(),
        cause: 'time',
        eventBusName: deps.eventBusName,
      });
      if (plan.item) await deps.profiles.put(plan.item, before.version);
      return plan.events.length > 0;
    },
    (error) => error instanceof ProfileConflictError,
    EVALUATE_RETRY,
  );
}

/**
 * The daily evaluation: time alone makes people eligible (six months reached) or not (a contract's planned
 * end passed). Every profile is indexed under the next day its outcome changes by time (profile-store.ts), so
 * this reads only the index partitions of the days since the last run, never the whole table. The mark moves
 * to `asOf` only when every due profile was handled; a failed run is repeated from the same day next time
 * (profiles already handled are no longer due, so nothing happens twice).
 */
export async function evaluateDue(
  options: EvaluationOptions,
  deps: EvaluateDeps,
): Promise<EvaluationSummary> {
  const { asOf } = options;
  const last = await deps.profiles.evaluatedThrough();
  const from = last === undefined ? addDays(asOf, -(deps.firstRunLookbackDays ?? 366)) : addDays(last, 1);
  if (from > asOf) return { asOf, days: 0, evaluated: 0, changed: 0 };
  const limit = pLimit(deps.concurrency ?? 8);
  let days = 0;
  let evaluated = 0;
  let changed = 0;
  for (let day = from; day <= asOf; day = addDays(day, 1)) {
    days += 1;
    const due = await deps.profiles.dueOn(day);
    const outcomes = await Promise.all(
      due.map((personKey) => limit(() => reevaluate(personKey, asOf, deps))),
    );
    evaluated += due.length;
    changed += outcomes.filter(Boolean).length;
  }
  await deps.profiles.markEvaluatedThrough(asOf, deps.now().toISOString());
  return { asOf, from, days, evaluated, changed };
}
