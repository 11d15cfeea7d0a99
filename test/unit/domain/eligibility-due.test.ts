import { describe, expect, it } from 'vitest';
import { evaluateEligibility } from '#domain/eligibility.ts';
import { nextEligibilityReview } from '#domain/eligibility-due.ts';
import { emptyProfile, job, lease, residence, school } from './builders.ts';

describe('nextEligibilityReview', () => {
  it('is the day the six months are reached, for a worker who moved in five months ago', () => {
    const profile = emptyProfile({
      residences: [residence('rr', '330106', '2025-03-01')],
      employments: [job('emp', '2025-03-01')],
    });

    expect(nextEligibilityReview(profile, '2025-08-15')).toBe('2025-09-01');
    expect(evaluateEligibility(profile, '2025-09-01').eligible).toBe(true);
  });

  it('is the day after a labour contract’s planned end, for an eligible worker', () => {
    const profile = emptyProfile({
      residences: [residence('rr', '330106', '2024-03-01')],
      employments: [job('emp', '2024-03-01', { endsOn: '2026-02-28' })],
    });

    expect(nextEligibilityReview(profile, '2025-09-01')).toBe('2026-03-01');
  });

  it('skips days on which nothing worth an event changes (another lease ending while a job holds)', () => {
    const profile = emptyProfile({
      residences: [residence('rr', '330106', '2024-03-01')],
      employments: [job('emp', '2024-03-01')],
      tenancies: [lease('lease', '2024-03-01', { endsOn: '2025-12-31' })],
    });

    // The housing condition's met flag changes on 2026-01-01: that is worth an event too.
    expect(nextEligibilityReview(profile, '2025-09-01')).toBe('2026-01-01');
    expect(nextEligibilityReview(profile, '2026-01-01')).toBeUndefined();
  });

  it('is undefined when the known records change nothing any more', () => {
    const profile = emptyProfile({
      residences: [residence('rr', '330106', '2024-03-01')],
      employments: [job('emp', '2024-03-01')],
    });

    expect(nextEligibilityReview(profile, '2025-09-01')).toBeUndefined();
  });

  it('is undefined when no later day makes a difference (no residence at all)', () => {
    const profile = emptyProfile({ schooling: [school('sch', '2024-09-01', { leftOn: '2024-12-31' })] });

    // Only the schooling flag would change, on 2025-01-01, which is before asOf.
    expect(nextEligibilityReview(profile, '2025-09-01')).toBeUndefined();
  });
});
