import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { toFieldErrors } from '#schemas/errors.ts';
import {
  calendarDate,
  compareDates,
  dateRangeIssue,
  parseCalendarDate,
  pastOrTodayDate,
  today,
} from '#schemas/values/date.ts';
import { freezeDate, thawDate } from '../../../helpers/frozen-date.ts';
import { FIXED_NOW, FIXED_TODAY, fullWidth } from './arbitraries.ts';

const codeOf = (schema: z.ZodType, raw: unknown) =>
  toFieldErrors(schema.safeParse(raw).error ?? { issues: [] })[0]?.code;

describe('calendarDate', () => {
  it.each([
    ['2016-08-28', 'ISO'],
    ['2016-8-28', 'unpadded ISO'],
    ['2016年8月28日', 'Chinese'],
    ['2016年08月28号', 'Chinese with 号'],
    ['2016 年 8 月 28 日', 'Chinese with spaces'],
    ['2016.8.28', 'dots'],
    ['2016/8/28', 'slashes'],
    ['20160828', 'compact'],
    ['２０１６－０８－２８', 'full-width ISO'],
    ['２０１６年８月２８日', 'full-width Chinese'],
    [' 2016-08-28 ', 'surrounding spaces'],
  ])('normalises %s (%s) to 2016-08-28', (raw) => {
    expect(calendarDate.parse(raw)).toBe('2016-08-28');
  });

  it.each([
    ['2016-02-30', '30 February'],
    ['2015-02-29', '29 February in a common year'],
    ['2016-04-31', '31 April'],
    ['2016-13-01', 'month 13'],
    ['2016-00-10', 'month 0'],
    ['2016-01-00', 'day 0'],
    ['2016年2月30日', '2月30日'],
    ['20160230', 'compact 30 February'],
    ['1899-12-31', 'before 1900'],
    ['1900-02-29', '1900 is not a leap year'],
  ])('rejects %s with DATE_INVALID (%s), never rolling over', (raw) => {
    expect(codeOf(calendarDate, raw)).toBe('DATE_INVALID');
  });

  it.each([
    ['2000-02-29', 'divisible by 400'],
    ['2016-02-29', 'divisible by 4'],
    ['2016-12-31', 'end of year'],
  ])('accepts the leap-year and edge date %s (%s)', (raw) => {
    expect(calendarDate.parse(raw)).toBe(raw);
  });

  it.each([
    ['', 'empty'],
    ['2016-8/28', 'mixed separators'],
    ['2016年8-28', 'mixed Chinese and dash'],
    ['16-8-28', 'two-digit year'],
    ['2016-008-28', 'three-digit month'],
    ['2016-08-28T00:00:00Z', 'timestamp'],
    ['2016828', 'seven digits'],
    ['28/08/2016', 'day first'],
    ['yesterday', 'words'],
  ])('rejects %s with DATE_FORMAT (%s)', (raw) => {
    expect(codeOf(calendarDate, raw)).toBe('DATE_FORMAT');
  });

  it('compares dates', () => {
    expect(compareDates('2016-08-28', '2016-08-29')).toBe(-1);
    expect(compareDates('2016-08-28', '2016-08-28')).toBe(0);
    expect(compareDates('2017-01-01', '2016-12-31')).toBe(1);
  });

  it('is idempotent and agrees with the calendar for generated dates in every spelling', () => {
    const spelled = fc
      .tuple(
        fc.date({
          min: new Date(Date.UTC(1900, 0, 1)),
          max: new Date(Date.UTC(2199, 11, 31)),
          noInvalidDate: true,
        }),
        fc.constantFrom('iso', 'loose', 'zh', 'dot', 'slash', 'compact', 'wide'),
      )
      .map(([date, style]) => {
        const iso = date.toISOString().slice(0, 10);
        const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
        const spellings: Record<string, string> = {
          iso,
          loose: `${y}-${m}-${d}`,
          zh: `${y}年${m}月${d}日`,
          dot: `${y}.${m}.${d}`,
          slash: `${y}/${m}/${d}`,
          compact: iso.replaceAll('-', ''),
          wide: fullWidth(iso),
        };
        return { iso, raw: spellings[style] ?? iso };
      });
    fc.assert(
      fc.property(spelled, ({ iso, raw }) => {
        expect(calendarDate.parse(raw)).toBe(iso);
        expect(calendarDate.parse(iso)).toBe(iso);
      }),
    );
  });

  it('is idempotent on arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 16 }), fc.stringMatching(/^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?$/)),
        (raw) => {
          const once = parseCalendarDate(raw);
          if (once.ok) expect(parseCalendarDate(once.value)).toEqual(once);
        },
      ),
    );
  });
});

describe('pastOrTodayDate', () => {
  beforeAll(() => freezeDate(FIXED_NOW));
  afterAll(() => thawDate());

  it('reads the system clock in China Standard Time', () => {
    expect(today()).toBe(FIXED_TODAY);
    // 2025-06-01 20:00 UTC is already 2 June in China.
    vi.setSystemTime(new Date(Date.UTC(2025, 5, 1, 20)));
    expect(today()).toBe('2025-06-02');
    vi.setSystemTime(FIXED_NOW);
  });

  it('accepts today and earlier', () => {
    expect(pastOrTodayDate.parse(FIXED_TODAY)).toBe(FIXED_TODAY);
    expect(pastOrTodayDate.parse('2025年5月31日')).toBe('2025-05-31');
  });

  it('rejects tomorrow with DATE_IN_FUTURE', () => {
    expect(codeOf(pastOrTodayDate, '2025-06-02')).toBe('DATE_IN_FUTURE');
  });

  it('still reports format and calendar errors first', () => {
    expect(codeOf(pastOrTodayDate, '2025-02-30')).toBe('DATE_INVALID');
    expect(codeOf(pastOrTodayDate, 'soon')).toBe('DATE_FORMAT');
  });
});

describe('date ranges', () => {
  const tenancy = z
    .object({ startsOn: calendarDate, endsOn: calendarDate.optional() })
    .superRefine((value, ctx) => {
      const issue = dateRangeIssue(value.startsOn, value.endsOn, {
        path: ['endsOn'],
        startField: 'startsOn',
        endField: 'endsOn',
      });
      if (issue !== undefined) ctx.addIssue(issue);
    });

  it('reports DATE_RANGE at the end date when it is before the start date', () => {
    // Act
    const errors = toFieldErrors(
      tenancy.safeParse({ startsOn: '2016-08-28', endsOn: '2016-08-27' }).error ?? { issues: [] },
    );

    // Assess
    expect(errors).toEqual([
      {
        path: 'endsOn',
        code: 'DATE_RANGE',
        message: expect.stringContaining('endsOn 2016-08-27 < startsOn 2016-08-28'),
      },
    ]);
  });

  it('accepts an end on the start date and a missing end', () => {
    expect(tenancy.safeParse({ startsOn: '2016-08-28', endsOn: '2016年8月28日' }).success).toBe(true);
    expect(tenancy.safeParse({ startsOn: '2016-08-28' }).success).toBe(true);
  });

  it('has a zod-free helper returning the issue or undefined', () => {
    const fields = { path: ['endsOn'], startField: 'startsOn', endField: 'endsOn' };
    expect(dateRangeIssue('2016-08-28', '2016-09-01', fields)).toBeUndefined();
    expect(dateRangeIssue('2016-08-28', undefined, fields)).toBeUndefined();
    expect(dateRangeIssue('2016-08-28', '2016-08-01', fields)?.params).toMatchObject({ code: 'DATE_RANGE' });
  });
});
