import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  chinaDateOf,
  daysBetween,
  fullMonthsBetween,
  mergePeriods,
} from '#domain/dates.ts';

const dates = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('addMonths', () => {
  it.each([
    ['2024-03-01', 6, '2024-09-01'],
    ['2024-08-31', 6, '2025-02-28'],
    ['2023-08-31', 6, '2024-02-29'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2024-05-31', 1, '2024-06-30'],
    ['2024-12-15', 1, '2025-01-15'],
    ['2024-02-29', 12, '2025-02-28'],
  ])('%s + %i months = %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it('never goes backwards as the months grow', () => {
    fc.assert(
      fc.property(dates, fc.integer({ min: 0, max: 120 }), (date, months) => {
        expect(addMonths(date, months) <= addMonths(date, months + 1)).toBe(true);
      }),
    );
  });
});

describe('fullMonthsBetween', () => {
  it.each([
    ['2024-03-01', '2024-08-31', 5],
    ['2024-03-01', '2024-09-01', 6],
    ['2024-08-31', '2025-02-27', 5],
    ['2024-08-31', '2025-02-28', 6],
    ['2024-03-01', '2024-02-01', 0],
  ])('%s to %s is %i', (from, to, months) => {
    expect(fullMonthsBetween(from, to)).toBe(months);
  });

  it('is the largest m with addMonths(from, m) <= to', () => {
    fc.assert(
      fc.property(dates, dates, (a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const months = fullMonthsBetween(from, to);
        expect(addMonths(from, months) <= to).toBe(true);
        expect(addMonths(from, months + 1) > to).toBe(true);
      }),
    );
  });
});

describe('days', () => {
  it('adds and counts days across month and year ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(daysBetween('2024-03-01', '2024-03-04')).toBe(3);
  });

  it('takes the calendar day of a timestamp in China Standard Time', () => {
    expect(chinaDateOf('2024-03-04T15:59:59Z')).toBe('2024-03-04');
    expect(chinaDateOf('2024-03-04T16:00:00Z')).toBe('2024-03-05');
    expect(chinaDateOf('2024-03-04')).toBe('2024-03-04');
  });
});

describe('mergePeriods', () => {
  it('merges overlapping and touching periods, keeps gaps', () => {
    const merged = mergePeriods([
      { start: '2024-03-01', end: '2024-06-30' },
      { start: '2024-01-01', end: '2024-03-15' },
      { start: '2024-07-01', end: '2024-07-31' },
      { start: '2024-08-02' },
    ]);

    expect(merged).toEqual([{ start: '2024-01-01', end: '2024-07-31' }, { start: '2024-08-02' }]);
  });
});
