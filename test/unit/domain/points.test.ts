import { describe, expect, it } from 'vitest';
import { scorePoints } from '#domain/points.ts';
import { HANGZHOU_EXAMPLE_POINTS_TABLE, type PointsTable, pointsTableFor } from '#domain/points-config.ts';
import { emptyProfile, insurance, permit, residence } from './builders.ts';

const table = HANGZHOU_EXAMPLE_POINTS_TABLE;

const lineOf = (score: ReturnType<typeof scorePoints>, indicator: string) =>
  score.breakdown.find((line) => line.indicator === indicator);

describe('the example table', () => {
  it('is Hangzhou 3301 and says it is an example', () => {
    expect(table.city).toBe('3301');
    expect(table.example).toBe(true);
    expect(pointsTableFor('330106')).toBe(table);
    expect(pointsTableFor('330203')).toBeUndefined();
  });
});

describe('scorePoints', () => {
  it('explains each indicator and sums them', () => {
    // Prepare: 3 years in Xihu in an owned home, a bachelor's degree, 2 years of pension insurance
    const profile = emptyProfile({
      person: { name: '张三', educationLevel: 'bachelor' },
      residences: [residence('rr-xihu', '330106', '2021-05-01', { residenceType: 'owned' })],
      insurances: [insurance('si-p', 'pension', '2022-05-01')],
    });

    // Act
    const score = scorePoints(profile, '2024-05-01', table);

    // Assess
    expect(score.breakdown).toEqual([
      expect.objectContaining({ indicator: 'residenceYears', value: 3, points: 6, cap: 20 }),
      expect.objectContaining({ indicator: 'insuranceMonths', value: 24, points: 12, cap: 60 }),
      expect.objectContaining({ indicator: 'educationLevel', value: 'bachelor', points: 30, cap: 50 }),
      expect.objectContaining({ indicator: 'homeOwnership', value: true, points: 20, cap: 20 }),
      expect.objectContaining({ indicator: 'permitHeld', value: false, points: 0, cap: 10 }),
      expect.objectContaining({ indicator: 'permitYears', value: 0, points: 0, cap: 15 }),
    ]);
    expect(score).toMatchObject({ total: 68, city: '3301', example: true, asOf: '2024-05-01' });
    expect(lineOf(score, 'residenceYears')?.explanation).toBe(
      '3 full year(s) of cumulative residence in 3301 × 2 = 6, cap 20',
    );
  });

  it('counts a year only when it is full', () => {
    const profile = emptyProfile({ residences: [residence('rr-xihu', '330106', '2021-05-01')] });

    expect(lineOf(scorePoints(profile, '2024-04-30', table), 'residenceYears')?.value).toBe(2);
    expect(lineOf(scorePoints(profile, '2024-05-01', table), 'residenceYears')?.value).toBe(3);
  });

  it('caps each indicator', () => {
    const profile = emptyProfile({
      person: { name: '张三', educationLevel: 'doctorate' },
      residences: [residence('rr-xihu', '330106', '2000-01-01')],
      insurances: [insurance('si-p', 'pension', '2000-01-01')],
    });

    const score = scorePoints(profile, '2024-01-01', table);

    expect(lineOf(score, 'residenceYears')).toMatchObject({ value: 24, points: 20, cap: 20 });
    expect(lineOf(score, 'insuranceMonths')).toMatchObject({ value: 288, points: 60, cap: 60 });
    expect(lineOf(score, 'educationLevel')).toMatchObject({ points: 50 });
    expect(score.total).toBe(130);
  });

  it('counts overlapping insurance periods once', () => {
    // Prepare: pension and medical over the same two years, unemployment inside them, then a gap
    const profile = emptyProfile({
      insurances: [
        insurance('si-p', 'pension', '2022-01-01', { stoppedOn: '2023-12-31' }),
        insurance('si-m', 'medical', '2022-01-01', { stoppedOn: '2023-12-31' }),
        insurance('si-u', 'unemployment', '2022-06-01', { stoppedOn: '2022-12-31' }),
        insurance('si-w', 'work-injury', '2024-03-01'),
      ],
    });

    // Act
    const line = lineOf(scorePoints(profile, '2024-06-15', table), 'insuranceMonths');

    // Assess: 24 months (2022–2023) + 3 full months from 2024-03-01 to 2024-06-15
    expect(line).toMatchObject({ value: 27, points: 13.5 });
  });

  it('ignores insurance paid in another city when the table says so', () => {
    const profile = emptyProfile({
      insurances: [insurance('si-nb', 'pension', '2020-01-01', { divisionCode: '330203' })],
    });

    expect(lineOf(scorePoints(profile, '2024-01-01', table), 'insuranceMonths')).toMatchObject({
      value: 0,
      points: 0,
    });
  });

  it('counts continuous residence only when configured so', () => {
    // Prepare: two years in Xihu, a three-month gap, then one year in Gongshu
    const profile = emptyProfile({
      residences: [
        residence('rr-xihu', '330106', '2020-01-01', { movedOutOn: '2021-12-31' }),
        residence('rr-gongshu', '330105', '2022-04-01'),
      ],
    });
    const continuous: PointsTable = {
      ...table,
      indicators: {
        ...table.indicators,
        residenceYears: { ...table.indicators.residenceYears, counting: 'continuous' },
      },
    };

    expect(lineOf(scorePoints(profile, '2023-04-01', table), 'residenceYears')?.value).toBe(3);
    expect(lineOf(scorePoints(profile, '2023-04-01', continuous), 'residenceYears')?.value).toBe(1);
  });

  it('gives home-ownership points only for a current owned home in the city', () => {
    const movedOut = emptyProfile({
      residences: [
        residence('rr-xihu', '330106', '2020-01-01', { residenceType: 'owned', movedOutOn: '2023-12-31' }),
      ],
    });

    expect(lineOf(scorePoints(movedOut, '2023-12-31', table), 'homeOwnership')?.points).toBe(20);
    expect(lineOf(scorePoints(movedOut, '2024-01-01', table), 'homeOwnership')).toMatchObject({
      value: false,
      points: 0,
    });
  });

  it('applies a total cap when the table has one', () => {
    const profile = emptyProfile({
      person: { name: '张三', educationLevel: 'master' },
      residences: [residence('rr-xihu', '330106', '2020-01-01', { residenceType: 'owned' })],
    });

    expect(scorePoints(profile, '2024-01-01', { ...table, totalCap: 50 }).total).toBe(50);
  });
});

describe('the permit in points', () => {
  it('counts a permit of the city in force, and the full years it has been held without a break', () => {
    const profile = emptyProfile({
      permits: [
        permit('p', '2021-03-10', '2024-03-09', {
          endorsements: [
            { endorsedOn: '2022-03-01', endorsedUntil: '2023-03-09' },
            { endorsedOn: '2023-03-01', endorsedUntil: '2024-03-09' },
          ],
        }),
      ],
    });

    const score = scorePoints(profile, '2023-09-10', table);

    expect(lineOf(score, 'permitHeld')).toMatchObject({ value: true, points: 10 });
    expect(lineOf(score, 'permitYears')).toMatchObject({ value: 2, points: 6 });
    expect(lineOf(score, 'permitYears')?.explanation).toBe(
      '2 full year(s) holding the permit without a break since 2021-03-10 × 3 = 6, cap 15',
    );
  });

  it('restarts the years at an endorsement made after the previous one had lapsed', () => {
    const profile = emptyProfile({
      permits: [
        permit('p', '2019-03-10', '2024-06-30', {
          endorsements: [
            { endorsedOn: '2020-03-01', endorsedUntil: '2021-03-09' },
            { endorsedOn: '2022-07-01', endorsedUntil: '2023-06-30' },
            { endorsedOn: '2023-06-20', endorsedUntil: '2024-06-30' },
          ],
        }),
      ],
    });

    expect(lineOf(scorePoints(profile, '2024-06-30', table), 'permitYears')).toMatchObject({ value: 1 });
  });

  it('gives nothing for a lapsed, lost or foreign permit', () => {
    const lapsed = emptyProfile({ permits: [permit('p', '2021-03-10', '2022-03-09')] });
    const lost = emptyProfile({ permits: [permit('p', '2021-03-10', '2025-03-09', { status: 'lost' })] });
    const ningbo = emptyProfile({
      permits: [permit('p', '2021-03-10', '2025-03-09', { issuingDivisionCode: '330212' })],
    });

    for (const profile of [lapsed, lost, ningbo]) {
      const score = scorePoints(profile, '2023-01-01', table);
      expect(lineOf(score, 'permitHeld')?.points).toBe(0);
      expect(lineOf(score, 'permitYears')?.points).toBe(0);
    }
  });
});
