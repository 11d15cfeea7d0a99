// Late-report flags: moves in and out reported after the deadline are accepted, and flagged (DOMAIN.md §2).
import type { CanonicalRecord, RecordKind } from '../schemas/index.ts';
import { addDays, type CalendarDate, chinaDateOf, daysBetween } from './dates.ts';

/** The kinds whose reporters have a deadline, and the date fields that are reportable facts in each. */
export const LATE_REPORT_FACTS = {
  'residence-registration': ['movedInOn', 'movedOutOn'],
  'residence-departure': ['movedOutOn'],
  tenancy: ['startsOn', 'endedOn'],
  employment: ['startsOn', 'endedOn'],
} as const satisfies Partial<Record<RecordKind, readonly string[]>>;

export type LateReportKind = keyof typeof LATE_REPORT_FACTS;

export interface LateReportConfig {
  /** Days after the fact a report is still on time, per kind (the deadline day itself is on time). */
  readonly deadlineDays: Readonly<Record<LateReportKind, number>>;
}

/** DOMAIN.md §2: three days after a migrant moves in or out, for every reporting duty. */
export const DEFAULT_LATE_REPORT_CONFIG: LateReportConfig = {
  deadlineDays: { 'residence-registration': 3, 'residence-departure': 3, tenancy: 3, employment: 3 },
};

export interface LateReportFlag {
  late: boolean;
  /** Days past the deadline (0 when on time). */
  daysLate: number;
  deadlineDays: number;
  /** The fact judged: the most overdue one the report states for the first time. */
  fact: string;
  factDate: CalendarDate;
  /** The last day the fact could be reported on time. */
  deadline: CalendarDate;
  /** The province's calendar day of the report. */
  reportedOn: CalendarDate;
}

const isLateReportKind = (kind: string): kind is LateReportKind => Object.hasOwn(LATE_REPORT_FACTS, kind);

/**
 * Whether a report came too late. Reported exactly `deadlineDays` days after the fact is on time; a day later
 * is late by 1. Judges only facts the report states for the first time: pass the `previous` version of the
 * record on an update, so correcting a phone number months later does not flag the old move-in again.
 * Undefined when the kind has no deadline or the report states no new fact.
 *
 * @param reportedAt ISO timestamp (or `YYYY-MM-DD`) of the submission; its China Standard Time day counts.
 */
export function lateReportFlag(
  kind: RecordKind,
  record: CanonicalRecord,
  reportedAt: string,
  config: LateReportConfig = DEFAULT_LATE_REPORT_CONFIG,
  previous?: CanonicalRecord,
): LateReportFlag | undefined {
  if (!isLateReportKind(kind)) return undefined;
  const deadlineDays = config.deadlineDays[kind];
  const reportedOn = chinaDateOf(reportedAt);
  const dateOf = (source: CanonicalRecord | undefined, field: string): CalendarDate | undefined => {
    const value = (source as Record<string, unknown> | undefined)?.[field];
    return typeof value === 'string' ? value : undefined;
  };
  let worst: LateReportFlag | undefined;
  for (const fact of LATE_REPORT_FACTS[kind]) {
    const factDate = dateOf(record, fact);
    if (factDate === undefined || factDate === dateOf(previous, fact)) continue;
    const daysLate = Math.max(0, daysBetween(factDate, reportedOn) - deadlineDays);
    const flag: LateReportFlag = {
      late: daysLate > 0,
      daysLate,
      deadlineDays,
      fact,
      factDate,
      deadline: addDays(factDate, deadlineDays),
      reportedOn,
    };
    if (worst === undefined || flag.daysLate > worst.daysLate) worst = flag;
  }
  return worst;
}
