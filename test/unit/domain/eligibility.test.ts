import { describe, expect, it } from 'vitest';
import { DEFAULT_ELIGIBILITY_CONFIG, eligibilityChanged, evaluateEligibility } from '#domain/eligibility.ts';
import { emptyProfile, job, lease, licence, residence, school } from './builders.ts';

// A migrant renting in Xihu (Hangzhou) since 2024-03-01 with an open-ended labour contract.
const worker = (overrides: Parameters<typeof emptyProfile>[0] = {}) =>
  emptyProfile({
    residences: [residence('rr-xihu', '330106', '2024-03-01')],
    employments: [job('emp-1', '2024-03-01')],
    ...overrides,
  });

describe('six months of residence', () => {
  it('is not reached the day before addMonths(movedInOn, 6), and says when it will be', () => {
    // Act
    const result = evaluateEligibility(worker(), '2024-08-31');

    // Assess
    expect(result.eligible).toBe(false);
    expect(result.eligibleFrom).toBe('2024-09-01');
    expect(result.conditions.residence6Months).toMatchObject({
      met: false,
      since: '2024-03-01',
      monthsResided: 5,
      requiredMonths: 6,
      reachedOn: '2024-09-01',
    });
    expect(result.missing).toEqual(['residence6Months', 'housing', 'schooling']);
  });

  it('is reached on the day itself: moved in 2024-03-01, eligible from 2024-09-01', () => {
    const result = evaluateEligibility(worker(), '2024-09-01');

    expect(result.eligible).toBe(true);
    expect(result.eligibleFrom).toBe('2024-09-01');
    expect(result.city).toBe('3301');
    expect(result.conditions.residence6Months).toMatchObject({
      met: true,
      monthsResided: 6,
      evidence: ['rr-xihu'],
    });
    expect(result.conditions.employment).toEqual({ met: true, evidence: ['emp-1'] });
    expect(result.met).toEqual(['residence6Months', 'awayFromHukou', 'employment']);
  });

  it('keeps the day eligibility began when evaluated later', () => {
    expect(evaluateEligibility(worker(), '2025-06-15')).toMatchObject({
      eligible: true,
      eligibleFrom: '2024-09-01',
    });
  });

  it('clamps to the end of a shorter month: moved in 2024-08-31, eligible from 2025-02-28', () => {
    const profile = worker({
      residences: [residence('rr-xihu', '330106', '2024-08-31')],
      employments: [job('emp-1', '2024-08-31')],
    });

    expect(evaluateEligibility(profile, '2025-02-27')).toMatchObject({
      eligible: false,
      eligibleFrom: '2025-02-28',
    });
    expect(evaluateEligibility(profile, '2025-02-28')).toMatchObject({
      eligible: true,
      eligibleFrom: '2025-02-28',
    });
  });

  it('names a future eligibleFrom when a condition starts after the months are reached', () => {
    // Prepare: the job only starts on 2024-10-08, after the six months (2024-09-01)
    const profile = worker({ employments: [job('emp-1', '2024-10-08')] });

    // Act
    const result = evaluateEligibility(profile, '2024-05-10');

    // Assess
    expect(result).toMatchObject({ eligible: false, eligibleFrom: '2024-10-08' });
    expect(result.conditions.employment.met).toBe(false);
  });

  it('has no eligibleFrom when nothing known will make the person eligible', () => {
    const profile = worker({ employments: [] });

    const result = evaluateEligibility(profile, '2024-12-01');

    expect(result.eligible).toBe(false);
    expect(result.eligibleFrom).toBeUndefined();
    expect(result.missing).toEqual(['employment', 'housing', 'schooling']);
  });
});

describe('continuity of residence', () => {
  it('restarts the count after a gap (move-out, later move-in)', () => {
    // Prepare: out of Xihu on 2024-01-31, into Gongshu (same city) only on 2024-02-02
    const profile = worker({
      residences: [
        residence('rr-xihu', '330106', '2023-01-01', { movedOutOn: '2024-01-31' }),
        residence('rr-gongshu', '330105', '2024-02-02'),
      ],
      employments: [job('emp-1', '2023-01-01')],
    });

    // Act
    const result = evaluateEligibility(profile, '2024-05-01');

    // Assess
    expect(result.conditions.residence6Months).toMatchObject({
      met: false,
      since: '2024-02-02',
      monthsResided: 2,
    });
    expect(result.eligible).toBe(false);
    expect(result.eligibleFrom).toBe('2024-08-02');
  });

  it('counts a move between counties of the same city as continuous when the move-in is the day after', () => {
    const profile = worker({
      residences: [
        residence('rr-xihu', '330106', '2023-01-01', { movedOutOn: '2024-01-31' }),
        residence('rr-gongshu', '330105', '2024-02-01'),
      ],
      employments: [job('emp-1', '2023-01-01')],
    });

    const result = evaluateEligibility(profile, '2024-05-01');

    expect(result.conditions.residence6Months).toMatchObject({
      met: true,
      since: '2023-01-01',
      evidence: ['rr-gongshu', 'rr-xihu'],
    });
    expect(result).toMatchObject({ eligible: true, eligibleFrom: '2023-07-01', city: '3301' });
  });

  it('restarts the count on a move to another city, even without a gap', () => {
    // Prepare: Hangzhou until 2024-01-31, Ningbo (Haishu 330203) from 2024-02-01, a job in Ningbo
    const profile = worker({
      residences: [
        residence('rr-xihu', '330106', '2023-01-01', { movedOutOn: '2024-01-31' }),
        residence('rr-haishu', '330203', '2024-02-01'),
      ],
      employments: [job('emp-nb', '2024-02-01', { divisionCode: '330203' })],
    });

    const result = evaluateEligibility(profile, '2024-05-01');

    expect(result.city).toBe('3302');
    expect(result.conditions.residence6Months).toMatchObject({
      met: false,
      since: '2024-02-01',
      monthsResided: 3,
    });
    expect(result.eligibleFrom).toBe('2024-08-01');
  });

  it('ends a registration on a departure filed as its own record', () => {
    const profile = worker({
      residences: [
        residence('rr-xihu', '330106', '2023-01-01'),
        residence('rr-gongshu', '330105', '2023-09-01'),
      ],
      departures: [{ recordId: 'dep-1', divisionCode: '330106', movedOutOn: '2023-06-30' }],
      employments: [job('emp-1', '2023-01-01')],
    });

    expect(evaluateEligibility(profile, '2023-12-01').conditions.residence6Months).toMatchObject({
      met: false,
      since: '2023-09-01',
    });
  });

  it('holds the person where they most recently moved, not at a registration never closed elsewhere', () => {
    const profile = worker({
      residences: [
        residence('rr-xihu', '330106', '2022-01-01'),
        residence('rr-haishu', '330203', '2024-02-01'),
      ],
      employments: [job('emp-1', '2022-01-01')],
    });

    const result = evaluateEligibility(profile, '2024-03-01');

    expect(result.city).toBe('3302');
    expect(result.conditions.residence6Months.since).toBe('2024-02-01');
    // The Hangzhou job does not count in Ningbo.
    expect(result.conditions.employment.met).toBe(false);
  });

  it('uses the configured granularity: by county a move within the city restarts the count', () => {
    const profile = worker({
      residences: [
        residence('rr-xihu', '330106', '2023-01-01', { movedOutOn: '2024-01-31' }),
        residence('rr-gongshu', '330105', '2024-02-01'),
      ],
      employments: [job('emp-1', '2023-01-01', { divisionCode: '330105' })],
    });

    const result = evaluateEligibility(profile, '2024-05-01', {
      ...DEFAULT_ELIGIBILITY_CONFIG,
      residenceArea: 'county',
    });

    expect(result.city).toBe('330105');
    expect(result.conditions.residence6Months).toMatchObject({ met: false, since: '2024-02-01' });
  });

  it('uses the configured number of months', () => {
    const config = { ...DEFAULT_ELIGIBILITY_CONFIG, minimumResidenceMonths: 12 };

    expect(evaluateEligibility(worker(), '2024-09-01', config)).toMatchObject({
      eligible: false,
      eligibleFrom: '2025-03-01',
    });
  });

  it('requires having left the place of household registration', () => {
    const profile = worker({ person: { name: '张三', hukouDivisionCode: '330108' } });

    const result = evaluateEligibility(profile, '2024-12-01');

    expect(result.eligible).toBe(false);
    expect(result.conditions.awayFromHukou).toEqual({ met: false, hukouDivisionCode: '330108' });
    expect(result.eligibleFrom).toBeUndefined();
  });
});

describe('employment', () => {
  it('is met on the day the employment ended and missing the day after', () => {
    const profile = worker({ employments: [job('emp-1', '2024-03-01', { endedOn: '2024-10-15' })] });

    const onEndDay = evaluateEligibility(profile, '2024-10-15');
    const dayAfter = evaluateEligibility(profile, '2024-10-16');

    expect(onEndDay).toMatchObject({ eligible: true, eligibleFrom: '2024-09-01' });
    expect(dayAfter.eligible).toBe(false);
    expect(dayAfter.conditions.employment).toEqual({ met: false, evidence: [] });
    expect(dayAfter.missing).toContain('employment');
  });

  it('ends with a fixed-term contract whose planned end has passed', () => {
    const profile = worker({
      employments: [job('emp-1', '2024-03-01', { contractType: 'fixed-term', endsOn: '2024-12-31' })],
    });

    expect(evaluateEligibility(profile, '2024-12-31').conditions.employment.met).toBe(true);
    expect(evaluateEligibility(profile, '2025-01-01').conditions.employment.met).toBe(false);
  });

  it('does not count work without a labour contract', () => {
    const profile = worker({ employments: [job('emp-1', '2024-03-01', { contractType: 'none' })] });

    expect(evaluateEligibility(profile, '2024-10-01').conditions.employment.met).toBe(false);
  });

  it('counts an active business licence, until revoked', () => {
    const profile = worker({
      employments: [],
      businessLicenses: [licence('bl-1', '2024-04-01', { revokedOn: '2025-03-31' })],
    });

    expect(evaluateEligibility(profile, '2024-10-01')).toMatchObject({
      eligible: true,
      eligibleFrom: '2024-09-01',
      conditions: { employment: { met: true, evidence: ['bl-1'] } },
    });
    expect(evaluateEligibility(profile, '2025-04-01').eligible).toBe(false);
  });
});

describe('housing', () => {
  it.each([
    ['owned', true],
    ['employer-dormitory', true],
    ['rented', false],
    ['lodging', false],
  ])('counts a current %s residence: %s', (residenceType, met) => {
    const profile = worker({ residences: [residence('rr-xihu', '330106', '2024-03-01', { residenceType })] });

    expect(evaluateEligibility(profile, '2024-10-01').conditions.housing.met).toBe(met);
  });

  it('counts a current tenancy, and stops counting when the lease ended', () => {
    const profile = worker({
      employments: [],
      tenancies: [lease('ten-1', '2024-03-01', { endedOn: '2024-11-30' })],
    });

    expect(evaluateEligibility(profile, '2024-11-30')).toMatchObject({
      eligible: true,
      eligibleFrom: '2024-09-01',
      conditions: { housing: { met: true, evidence: ['ten-1'] } },
    });
    expect(evaluateEligibility(profile, '2024-12-01').conditions.housing.met).toBe(false);
  });
});

describe('schooling', () => {
  it('is met through the day the student left and missing after', () => {
    const profile = worker({
      employments: [],
      schooling: [school('sch-1', '2024-03-01', { leftOn: '2024-12-31' })],
    });

    expect(evaluateEligibility(profile, '2024-12-31')).toMatchObject({
      eligible: true,
      conditions: { schooling: { met: true, evidence: ['sch-1'] } },
    });
    const after = evaluateEligibility(profile, '2025-01-01');
    expect(after.eligible).toBe(false);
    expect(after.missing).toEqual(['employment', 'housing', 'schooling']);
  });
});

describe('eligibilityChanged', () => {
  it('is true for a first evaluation and when the person becomes eligible', () => {
    const before = evaluateEligibility(worker(), '2024-08-31');
    const after = evaluateEligibility(worker(), '2024-09-01');

    expect(eligibilityChanged(undefined, before)).toBe(true);
    expect(eligibilityChanged(before, after)).toBe(true);
  });

  it('is false when only time passes (months resided grow)', () => {
    const before = evaluateEligibility(worker(), '2024-10-01');
    const after = evaluateEligibility(worker(), '2024-12-01');

    expect(after.conditions.residence6Months.monthsResided).not.toBe(
      before.conditions.residence6Months.monthsResided,
    );
    expect(eligibilityChanged(before, after)).toBe(false);
  });

  it('is true when a condition turns met while eligibility stays', () => {
    const before = evaluateEligibility(worker(), '2024-10-01');
    const after = evaluateEligibility(worker({ tenancies: [lease('ten-1', '2024-03-01')] }), '2024-10-01');

    expect(after.eligible).toBe(before.eligible);
    expect(eligibilityChanged(before, after)).toBe(true);
  });
});
