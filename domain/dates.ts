// Calendar arithmetic on `YYYY-MM-DD` strings (no time zones, no clock), shared by the derived services.

/** A calendar date `YYYY-MM-DD`; such strings compare correctly with < and >. */
export type CalendarDate = string;

/** An inclusive period of days: `end` is the last day (undefined: still going on). */
export interface Period {
  start: CalendarDate;
  end?: CalendarDate;
}

const DAY_MS = 86_400_000;
/** China Standard Time (UTC+8, no daylight saving): the calendar day a timestamp falls on in the province. */
const CHINA_OFFSET_MS = 8 * 3_600_000;

interface Ymd {
  year: number;
  month: number;
  day: number;
}

function parts(date: CalendarDate): Ymd {
  const [year = Number.NaN, month = Number.NaN, day = Number.NaN] = date.split('-').map(Number);
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) {
    throw new RangeError(`not a calendar date: '${date}'`);
  }
  return { year, month, day };
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const format = ({ year, month, day }: Ymd): CalendarDate => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;

const lastDayOfMonth = (year: number, month: number): number =>
  new Date(Date.UTC(year, month, 0)).getUTCDate();

const toEpochDay = (date: CalendarDate): number => {
  const { year, month, day } = parts(date);
  return Date.UTC(year, month - 1, day) / DAY_MS;
};

const fromEpochDay = (epochDay: number): CalendarDate =>
  new Date(epochDay * DAY_MS).toISOString().slice(0, 10);

export const minDate = (a: CalendarDate, b: CalendarDate): CalendarDate => (a < b ? a : b);
const maxDate = (a: CalendarDate, b: CalendarDate): CalendarDate => (a > b ? a : b);

export const addDays = (date: CalendarDate, days: number): CalendarDate =>
  fromEpochDay(toEpochDay(date) + days);

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: CalendarDate, to: CalendarDate): number =>
  toEpochDay(to) - toEpochDay(from);

/**
 * The same day of the month `months` months later, clamped to the last day of a shorter month:
 * 2024-03-01 + 6 = 2024-09-01; 2024-08-31 + 6 = 2025-02-28; 2023-08-31 + 6 = 2024-02-29; 2024-01-31 + 1 =
 * 2024-02-29. The clamp never carries into the next month, so the result is monotonic in `months`.
 */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const { year, month, day } = parts(date);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  return format({
    year: targetYear,
    month: targetMonth,
    day: Math.min(day, lastDayOfMonth(targetYear, targetMonth)),
  });
}

/**
 * Full months from `from` to `to`: the largest m with addMonths(from, m) <= to (0 when `to` is earlier).
 * 2024-03-01 → 2024-08-31 is 5, → 2024-09-01 is 6.
 */
export function fullMonthsBetween(from: CalendarDate, to: CalendarDate): number {
  if (to < from) return 0;
  const a = parts(from);
  const b = parts(to);
  const estimate = (b.year - a.year) * 12 + (b.month - a.month);
  return addMonths(from, estimate) <= to ? estimate : estimate - 1;
}

/** The province's calendar day of an ISO timestamp (UTC+8); a bare `YYYY-MM-DD` is returned as it is. */
export function chinaDateOf(isoOrDate: string): CalendarDate {
  if (/^\d{4}-\d{2}-\d{2}$/.test(isoOrDate)) return isoOrDate;
  const ms = Date.parse(isoOrDate);
  if (Number.isNaN(ms)) throw new RangeError(`not a timestamp: '${isoOrDate}'`);
  return fromEpochDay(Math.floor((ms + CHINA_OFFSET_MS) / DAY_MS));
}

/** True when `date` lies in the period (both ends inclusive). */
export const covers = (period: Period, date: CalendarDate): boolean =>
  period.start <= date && (period.end === undefined || date <= period.end);

/** The earliest of the given end dates (undefined ones mean "open"); undefined when all are open. */
export function earliestEnd(...ends: Array<CalendarDate | undefined>): CalendarDate | undefined {
  return ends.reduce<CalendarDate | undefined>(
    (earliest, end) => (end === undefined ? earliest : earliest === undefined ? end : minDate(earliest, end)),
    undefined,
  );
}

/**
 * Merges periods that overlap or touch within `graceDays` (the next starts on or before the day after the
 * previous end when graceDays is 1) into disjoint periods in chronological order.
 */
export function mergePeriods(periods: readonly Period[], graceDays = 1): Period[] {
  const sorted = [...periods].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged: Period[] = [];
  for (const period of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && (last.end === undefined || period.start <= addDays(last.end, graceDays))) {
      last.end =
        last.end === undefined || period.end === undefined ? undefined : maxDate(last.end, period.end);
    } else {
      merged.push({ ...period });
    }
  }
  return merged;
}
