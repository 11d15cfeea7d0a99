import type { z } from 'zod';
import { type ErrorCode, type ErrorDetails, valueIssue } from '../../errors.ts';
import { compareDates } from '../../values/index.ts';

/** Reports one issue at a path relative to the object the rule checks. */
export type Report = (path: readonly string[], code: ErrorCode, details?: ErrorDetails) => void;

/**
 * A rule across fields of one object. It runs even when other fields failed (so a record reports all its
 * errors at once), but only when none of the fields it reads failed: a rule never judges a value that
 * is not normalised, and an invalid ID number does not also raise a gender mismatch.
 */
export interface CrossFieldRule<T> {
  /** Dotted paths (relative to the object) of the fields the rule reads. */
  readonly reads: readonly string[];
  readonly check: (value: T, report: Report) => void;
}

/** zod refinement params that make a check run even after other fields failed. */
export const EVEN_AFTER_FIELD_ERRORS = { when: () => true } as const;

function overlaps(issuePath: readonly PropertyKey[], field: readonly string[]): boolean {
  const length = Math.min(issuePath.length, field.length);
  for (let i = 0; i < length; i++) if (issuePath[i] !== field[i]) return false;
  return true;
}

/** True when a field issue means the value is not there to read: a wrong type at the root, or on a read field. */
function blocks(issue: z.core.$ZodRawIssue, reads: readonly (readonly string[])[]): boolean {
  const path = issue.path ?? [];
  if (path.length === 0) return issue.code !== 'unrecognized_keys';
  return reads.some((field) => overlaps(path, field));
}

/** A superRefine function that applies the rules whose fields all parsed. */
export function applyRules<T>(rules: readonly CrossFieldRule<T>[]) {
  const compiled = rules.map((rule) => ({
    reads: rule.reads.map((path) => path.split('.')),
    check: rule.check,
  }));
  return (value: T, ctx: z.core.$RefinementCtx<T>): void => {
    // Only the fields' own issues decide; what one rule reports never blocks another.
    const fieldIssues = ctx.issues.slice();
    const report: Report = (path, code, details) => ctx.addIssue(valueIssue(code, details, [...path]));
    for (const rule of compiled) {
      if (!fieldIssues.some((issue) => blocks(issue, rule.reads))) rule.check(value, report);
    }
  };
}

/**
 * `later` must be on or after `earlier` (end dates are inclusive: a lease 2024-01-01 至 2024-01-01 is one
 * day); DATE_RANGE at `later` otherwise. Either date missing: nothing to compare. Dotted paths.
 */
export function notBefore<T>(later: string, earlier: string): CrossFieldRule<T> {
  const laterPath = later.split('.');
  const earlierPath = earlier.split('.');
  return {
    reads: [later, earlier],
    check: (value, report) => {
      const end = valueAt(value, laterPath);
      const start = valueAt(value, earlierPath);
      if (typeof end !== 'string' || typeof start !== 'string' || compareDates(end, start) >= 0) return;
      report(laterPath, 'DATE_RANGE', { received: `${later} ${end} < ${earlier} ${start}` });
    },
  };
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
