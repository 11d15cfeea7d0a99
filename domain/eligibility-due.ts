// When time alone changes a person's permit eligibility: the day the daily evaluation must look at them again.
import { addDays, addMonths, type CalendarDate } from './dates.ts';
import {
  DEFAULT_ELIGIBILITY_CONFIG,
  type EligibilityConfig,
  type EligibilityResult,
  eligibilityChanged,
  evaluateEligibility,
  residenceStints,
} from './eligibility.ts';
import type { PersonProfile } from './profile.ts';

/**
 * Every later day on which some condition can change with no new record: a start, the day after an end or a
 * planned end, the day the required months are reached from any move-in. Between two of them the outcome
 * stays the same, so only these need a look.
 */
function candidateDays(
  profile: PersonProfile,
  asOf: CalendarDate,
  config: EligibilityConfig,
): CalendarDate[] {
  const days = new Set<CalendarDate>();
  const period = (start: CalendarDate, ...ends: Array<CalendarDate | undefined>): void => {
    days.add(start);
    for (const end of ends) if (end !== undefined) days.add(addDays(end, 1));
  };
  for (const stint of residenceStints(profile)) {
    period(stint.start, stint.end);
    days.add(addMonths(stint.start, config.minimumResidenceMonths));
  }
  for (const e of profile.employments) period(e.startsOn, e.endedOn, e.endsOn);
  for (const b of profile.businessLicenses) period(b.registeredOn, b.revokedOn);
  for (const t of profile.tenancies) period(t.startsOn, t.endedOn, t.endsOn);
  for (const s of profile.schooling) period(s.enrolledOn, s.leftOn);
  return [...days].filter((day) => day > asOf).sort();
}

/**
 * The first day after `asOf` on which the outcome differs from `current` in a way that is worth a
 * PermitEligibility.Changed event (eligibilityChanged): the six months reached, a contract's planned end
 * passed. Undefined when the known records change nothing any more, as time goes by.
 *
 * @param current the outcome on `asOf` (evaluated here when not given)
 */
export function nextEligibilityReview(
  profile: PersonProfile,
  asOf: CalendarDate,
  config: EligibilityConfig = DEFAULT_ELIGIBILITY_CONFIG,
  current: EligibilityResult = evaluateEligibility(profile, asOf, config),
): CalendarDate | undefined {
  return candidateDays(profile, asOf, config).find((day) =>
    eligibilityChanged(current, evaluateEligibility(profile, day, config)),
  );
}
