import { z } from 'zod';
import { addValueIssue, type ErrorCode, echo, valueIssue } from '../errors.ts';
import { foldWidthCode, isDigitCode, isSpaceCode } from './characters.ts';
import { acceptsRaw, CODE_MAX_RAW_LENGTH, withoutIgnorables } from './text.ts';

/** Calendar dates are `YYYY-MM-DD` strings; they compare correctly as strings. */
export type CalendarDate = string;

export const MIN_YEAR = 1900;
export const MAX_YEAR = 2199;

/** China Standard Time (UTC+8, no daylight saving): "today" is the province's calendar day. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** True for a real calendar day within the accepted years (never rolls over: 2月30日 is false). */
export function isRealDate(year: number, month: number, day: number): boolean {
  return (
    year >= MIN_YEAR &&
    year <= MAX_YEAR &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
export const formatDate = (year: number, month: number, day: number): CalendarDate =>
  `${year}-${pad2(month)}-${pad2(day)}`;

// ---- clock -------------------------------------------------------------------------------------------

// The system clock, read once a day at most; tests set it with vitest's fake timers (vi.setSystemTime).
let cachedEpochDay = Number.NaN;
let cachedToday = '';
let cachedTodayNumber = 0;

function refreshToday(): void {
  const epochDay = Math.floor((Date.now() + CHINA_OFFSET_MS) / DAY_MS);
  if (epochDay === cachedEpochDay) return;
  const date = new Date(epochDay * DAY_MS);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + 1;
  const day = date.getUTCDate();
  cachedEpochDay = epochDay;
  cachedToday = formatDate(year, month, day);
  cachedTodayNumber = year * 10000 + month * 100 + day;
}

/** Today's date in China Standard Time as `YYYY-MM-DD`. */
export function today(): CalendarDate {
  refreshToday();
  return cachedToday;
}

/** Today as the number YYYYMMDD (cheap comparisons on the hot path). */
export function todayNumber(): number {
  refreshToday();
  return cachedTodayNumber;
}

// ---- parsing -----------------------------------------------------------------------------------------

export type DateParse = { ok: true; value: CalendarDate } | { ok: false; code: ErrorCode };

const FORMAT_ERROR: DateParse = { ok: false, code: 'DATE_FORMAT' };
const INVALID_ERROR: DateParse = { ok: false, code: 'DATE_INVALID' };

const YEAR_CHAR = 0x5e74; // 年
const MONTH_CHAR = 0x6708; // 月
const DAY_CHAR = 0x65e5; // 日
const DAY_CHAR_COLLOQUIAL = 0x53f7; // 号
const DASH = 45;
const SLASH = 47;
const DOT = 46;

/** Codes of the compact input: width folded, whitespace dropped. Reused buffer, no allocation. */
const buffer = new Uint16Array(CODE_MAX_RAW_LENGTH);

function compact(raw: string): number {
  if (raw.length > buffer.length) return -1;
  let length = 0;
  for (let i = 0; i < raw.length; i++) {
    const code = foldWidthCode(raw.charCodeAt(i));
    if (!isSpaceCode(code)) buffer[length++] = code;
  }
  return length;
}

const CANONICAL_DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9];

function isCanonical(raw: string): boolean {
  if (raw.length !== 10 || raw.charCodeAt(4) !== DASH || raw.charCodeAt(7) !== DASH) return false;
  for (const i of CANONICAL_DIGIT_POSITIONS) if (!isDigitCode(raw.charCodeAt(i))) return false;
  return true;
}

const digit = (raw: string, i: number): number => raw.charCodeAt(i) - 48;

function numberAt(start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + ((buffer[i] ?? 0) - 48);
  return n;
}

/** End of the run of at most `max` digits starting at `start` in the buffer. */
function digitRunEnd(start: number, length: number, max: number): number {
  let end = start;
  while (end < length && end - start < max && isDigitCode(buffer[end] ?? 0)) end++;
  return end;
}

const checked = (year: number, month: number, day: number): DateParse =>
  isRealDate(year, month, day) ? { ok: true, value: formatDate(year, month, day) } : INVALID_ERROR;

/**
 * Parses `2016-08-28`, `2016-8-28`, `2016/8/28`, `2016.8.28`, `2016年8月28日` (or 号), `20160828`, with
 * full-width characters, spaces and invisible characters, into `YYYY-MM-DD`. Impossible dates fail with
 * DATE_INVALID.
 */
export function parseCalendarDate(raw: string): DateParse {
  if (isCanonical(raw)) {
    const year = digit(raw, 0) * 1000 + digit(raw, 1) * 100 + digit(raw, 2) * 10 + digit(raw, 3);
    const month = digit(raw, 5) * 10 + digit(raw, 6);
    const day = digit(raw, 8) * 10 + digit(raw, 9);
    return isRealDate(year, month, day) ? { ok: true, value: raw } : INVALID_ERROR;
  }
  const length = compact(withoutIgnorables(raw));
  if (length < 8) return FORMAT_ERROR;
  if (length === 8 && digitRunEnd(0, length, 8) === 8)
    return checked(numberAt(0, 4), numberAt(4, 6), numberAt(6, 8));

  if (digitRunEnd(0, length, 4) !== 4) return FORMAT_ERROR;
  const separator = buffer[4];
  if (separator !== DASH && separator !== SLASH && separator !== DOT && separator !== YEAR_CHAR) {
    return FORMAT_ERROR;
  }
  const monthEnd = digitRunEnd(5, length, 2);
  if (monthEnd === 5 || buffer[monthEnd] !== (separator === YEAR_CHAR ? MONTH_CHAR : separator)) {
    return FORMAT_ERROR;
  }
  const dayEnd = digitRunEnd(monthEnd + 1, length, 2);
  if (dayEnd === monthEnd + 1) return FORMAT_ERROR;
  let end = dayEnd;
  if (separator === YEAR_CHAR && (buffer[end] === DAY_CHAR || buffer[end] === DAY_CHAR_COLLOQUIAL)) end++;
  if (end !== length) return FORMAT_ERROR;
  return checked(numberAt(0, 4), numberAt(5, monthEnd), numberAt(monthEnd + 1, dayEnd));
}

/** -1, 0 or 1 as `a` is before, on or after `b` (both `YYYY-MM-DD`). */
export function compareDates(a: CalendarDate, b: CalendarDate): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

const dateDetails = (raw: string, code: ErrorCode) =>
  code === 'DATE_FORMAT' && raw.length > 20 ? undefined : { received: echo(raw, 20) };

/** Any real calendar date, normalised to `YYYY-MM-DD`. */
export const calendarDate = z.string().transform((raw, ctx): CalendarDate => {
  if (!acceptsRaw(raw, CODE_MAX_RAW_LENGTH, ctx)) return z.NEVER;
  const parsed = parseCalendarDate(raw);
  if (parsed.ok) return parsed.value;
  addValueIssue(ctx, parsed.code, dateDetails(raw, parsed.code));
  return z.NEVER;
});
calendarDate.register(z.globalRegistry, {
  description:
    'A calendar day: 2016-08-28, 2016/8/28, 2016.8.28, 20160828 or 2016年8月28日; impossible days fail. ' +
    '日期：可写作2016-08-28、2016/8/28、2016.8.28、20160828或2016年8月28日，不存在的日期无效。',
});

/** A real date that is today or earlier in China Standard Time (birth, move-in, start dates). */
export const pastOrTodayDate = z.string().transform((raw, ctx): CalendarDate => {
  if (!acceptsRaw(raw, CODE_MAX_RAW_LENGTH, ctx)) return z.NEVER;
  const parsed = parseCalendarDate(raw);
  if (!parsed.ok) {
    addValueIssue(ctx, parsed.code, dateDetails(raw, parsed.code));
    return z.NEVER;
  }
  if (parsed.value > today()) {
    addValueIssue(ctx, 'DATE_IN_FUTURE', { received: parsed.value });
    return z.NEVER;
  }
  return parsed.value;
});
pastOrTodayDate.register(z.globalRegistry, {
  description:
    'A calendar day not after today (China time), written as 2016-08-28, 2016/8/28, 2016.8.28, 20160828 or ' +
    '2016年8月28日. 日期（不晚于今天，北京时间），写法同上。',
});

export interface DateRangeFields {
  /** Path (relative to the refined object) of the end date; the issue is reported there. */
  path: PropertyKey[];
  /** Field names shown in the message, e.g. 'startsOn' and 'endsOn'. */
  startField: string;
  endField: string;
}

/**
 * The DATE_RANGE issue when `end` is before `start`, otherwise undefined. Missing dates never fail here
 * (their own schemas report them). Use in an object's superRefine:
 * `const issue = dateRangeIssue(v.startsOn, v.endsOn, { path: ['endsOn'], startField: 'startsOn', endField: 'endsOn' })`.
 */
export function dateRangeIssue(
  start: CalendarDate | undefined,
  end: CalendarDate | undefined,
  fields: DateRangeFields,
) {
  if (start === undefined || end === undefined || compareDates(end, start) >= 0) return undefined;
  return valueIssue(
    'DATE_RANGE',
    { received: `${fields.endField} ${end} < ${fields.startField} ${start}` },
    fields.path,
  );
}
