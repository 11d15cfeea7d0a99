import { describe, expect, it } from 'vitest';
import { evaluateEligibility } from '#domain/eligibility.ts';
import {
  applicationFlags,
  DEFAULT_PERMIT_CONFIG,
  issuanceDueOn,
  nextPermitReview,
  permitNotices,
  permitPhaseOn,
  permitPhases,
  verifyPermits,
} from '#domain/permit.ts';
import { application, emptyProfile, job, permit, residence } from './builders.ts';

const config = DEFAULT_PERMIT_CONFIG;
// Issued 2025-03-10, endorsed until 2026-03-09: the notice starts 2026-02-07, it lapses on 2026-03-10.
const issued = permit('residence-permit:1', '2025-03-10', '2026-03-09');

describe('a permit on a day', () => {
  it.each([
    ['2025-03-09', 'not-issued'],
    ['2025-03-10', 'valid'],
    ['2026-02-06', 'valid'],
    ['2026-02-07', 'endorsement-due'],
    ['2026-03-09', 'endorsement-due'],
    ['2026-03-10', 'lapsed'],
  ])('on %s is %s', (asOf, phase) => {
    expect(permitPhaseOn(issued, asOf, config)).toBe(phase);
  });

  it('is what public security recorded when it suspended, revoked or lost it', () => {
    for (const status of ['suspended', 'revoked', 'lost']) {
      expect(permitPhaseOn({ ...issued, status }, '2025-06-01', config)).toBe(status);
    }
  });

  it('takes the notice days from configuration', () => {
    expect(permitPhaseOn(issued, '2026-02-07', { ...config, endorsementNoticeDays: 10 })).toBe('valid');
  });
});

describe('verification for services (凭证服务)', () => {
  it('answers valid with the endorsement and the city, nothing else', () => {
    expect(verifyPermits([issued], '2025-06-01', config)).toStrictEqual({
      valid: true,
      endorsedUntil: '2026-03-09',
      city: '330100',
    });
  });

  it('answers suspended the day after the endorsement lapsed, and valid again once endorsed', () => {
    const endorsed = {
      ...issued,
      endorsedUntil: '2027-03-09',
      endorsements: [{ endorsedOn: '2026-03-20', endorsedUntil: '2027-03-09' }],
    };

    expect(verifyPermits([issued], '2026-03-10', config)).toStrictEqual({
      valid: false,
      endorsedUntil: '2026-03-09',
      city: '330100',
      reason: 'suspended',
    });
    expect(verifyPermits([endorsed], '2026-03-21', config)).toMatchObject({
      valid: true,
      endorsedUntil: '2027-03-09',
    });
  });

  it.each([
    ['suspended', 'suspended'],
    ['revoked', 'revoked'],
    ['lost', 'lost'],
  ])('answers %s with the reason %s', (status, reason) => {
    expect(verifyPermits([{ ...issued, status }], '2025-06-01', config)).toMatchObject({
      valid: false,
      reason,
    });
  });

  it('answers none for nobody or a permit not yet issued on the day', () => {
    expect(verifyPermits([], '2025-06-01', config)).toStrictEqual({ valid: false, reason: 'none' });
    expect(verifyPermits([issued], '2025-03-01', config)).toStrictEqual({ valid: false, reason: 'none' });
  });

  it('answers by the permit in force when a lost one was replaced, else by the latest issued', () => {
    const lost = permit('residence-permit:old', '2024-01-05', '2026-01-04', { status: 'lost' });
    const replacement = permit('residence-permit:new', '2024-06-01', '2025-05-31', {
      issuingDivisionCode: '330212',
    });

    expect(verifyPermits([lost, replacement], '2025-01-01', config)).toMatchObject({
      valid: true,
      city: '330200',
    });
    expect(verifyPermits([lost, replacement], '2025-07-01', config)).toMatchObject({
      valid: false,
      reason: 'suspended',
      city: '330200',
    });
  });
});

describe('what time changes', () => {
  it('notices a permit entering endorsement-due or lapsed once, and again after an endorsement', () => {
    const due = permitPhases([issued], '2026-02-07', config);
    const lapsed = permitPhases([issued], '2026-03-10', config);
    const endorsed = { ...issued, endorsedUntil: '2027-03-09' };

    expect(permitNotices([issued], permitPhases([issued], '2026-02-06', config), due)).toEqual([
      { permit: issued, phase: 'endorsement-due' },
    ]);
    expect(permitNotices([issued], due, due)).toEqual([]);
    expect(permitNotices([issued], due, lapsed)).toEqual([{ permit: issued, phase: 'lapsed' }]);
    const renewed = permitPhases([endorsed], '2026-03-20', config);
    expect(renewed).toEqual({ 'residence-permit:1': 'valid' });
    expect(permitNotices([endorsed], renewed, permitPhases([endorsed], '2027-02-07', config))).toHaveLength(
      1,
    );
  });

  it('reviews a permit on the notice day and the day after it lapses, never one public security ended', () => {
    expect(nextPermitReview([issued], '2025-06-01', config)).toBe('2026-02-07');
    expect(nextPermitReview([issued], '2026-02-07', config)).toBe('2026-03-10');
    expect(nextPermitReview([issued], '2026-03-10', config)).toBeUndefined();
    expect(nextPermitReview([{ ...issued, status: 'revoked' }], '2025-06-01', config)).toBeUndefined();
  });
});

describe('applications', () => {
  it('are due fifteen days after they were filed, or as configured', () => {
    expect(issuanceDueOn(application('a', '2025-03-01'), config)).toBe('2025-03-16');
    expect(issuanceDueOn(application('a', '2025-03-01'), { ...config, issuanceDeadlineDays: 10 })).toBe(
      '2025-03-11',
    );
  });

  it('are flagged by what the eligibility rules say on the day of the application', () => {
    // Moved into a dormitory with a contract on 2025-01-10: eligible from 2025-07-10.
    const profile = emptyProfile({
      residences: [residence('rr', '330106', '2025-01-10', { residenceType: 'employer-dormitory' })],
      employments: [job('job', '2025-01-10')],
    });
    const flagsOn = (day: string) => applicationFlags(evaluateEligibility(profile, day));

    expect(flagsOn('2025-07-10')).toEqual([]);
    expect(flagsOn('2025-07-09')).toEqual([{ code: 'ELIGIBLE_FROM', eligibleFrom: '2025-07-10' }]);
    expect(applicationFlags(evaluateEligibility(emptyProfile(), '2025-07-10'))).toEqual([
      { code: 'ELIGIBILITY_NOT_MET', missing: ['residence6Months', 'employment', 'housing', 'schooling'] },
    ]);
  });
});
