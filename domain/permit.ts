// The residence permit (居住证) as the hub sees it: its phase on a day, what a service may learn of it, the
// issuance deadline of an application, and the days on which time alone changes a permit. Pure: no I/O, no clock.
import { addDays, type CalendarDate, fullMonthsBetween } from './dates.ts';
import type { ConditionName, EligibilityResult } from './eligibility.ts';
import type { ProfileApplication, ProfilePermit } from './profile.ts';

export interface PermitConfig {
  /** Days after an application within which public security issues the permit (居住证暂行条例: 15). */
  readonly issuanceDeadlineDays: number;
  /** Days before the endorsement lapses on which the holder is reminded (ResidencePermit.EndorsementDue). */
  readonly endorsementNoticeDays: number;
}

export const DEFAULT_PERMIT_CONFIG: PermitConfig = { issuanceDeadlineDays: 15, endorsementNoticeDays: 30 };

/**
 * A permit on a day: `not-issued` before its issue date; `suspended`, `lost`, `revoked` as public security
 * recorded it; `lapsed` the day after `endorsedUntil` passed unendorsed (its functions are suspended until it is
 * endorsed again, 居住证暂行条例); `endorsement-due` from the notice day to `endorsedUntil`; else `valid`.
 */
export type PermitPhase =
  | 'not-issued'
  | 'valid'
  | 'endorsement-due'
  | 'lapsed'
  | 'suspended'
  | 'lost'
  | 'revoked';

export function permitPhaseOn(permit: ProfilePermit, asOf: CalendarDate, config: PermitConfig): PermitPhase {
  if (permit.issuedOn > asOf) return 'not-issued';
  if (permit.status === 'suspended' || permit.status === 'lost' || permit.status === 'revoked')
    return permit.status;
  if (permit.endorsedUntil < asOf) return 'lapsed';
  return asOf >= endorsementNoticeOn(permit, config) ? 'endorsement-due' : 'valid';
}

/** The first day of the endorsement notice: `endorsementNoticeDays` before `endorsedUntil`. */
const endorsementNoticeOn = (permit: ProfilePermit, config: PermitConfig): CalendarDate =>
  addDays(permit.endorsedUntil, -config.endorsementNoticeDays);

/** In force on a day: issued, recorded valid, endorsement not lapsed (`valid` or `endorsement-due`). */
export const inForceOn = (permit: ProfilePermit, asOf: CalendarDate): boolean =>
  permit.issuedOn <= asOf && permit.status === 'valid' && asOf <= permit.endorsedUntil;

/** The city-level division of a county (its bureau issued the permit): 330106 → 330100. */
export const cityOf = (divisionCode: string): string => `${divisionCode.slice(0, 4)}00`;

// ---- verification for services (凭证服务) ------------------------------------------------------------------

/** Why a permit does not serve: suspended (by public security, or its endorsement lapsed), revoked, lost, none. */
export type VerificationReason = 'suspended' | 'revoked' | 'lost' | 'none';

/** All a service learns of a person's permit (POST /v1/permits/verify): nothing else, ever. */
export interface PermitVerification {
  valid: boolean;
  endorsedUntil?: CalendarDate;
  /** The city (division code) of the bureau that issued it. */
  city?: string;
  reason?: VerificationReason;
}

const REASONS: { readonly [P in PermitPhase]?: VerificationReason } = {
  lapsed: 'suspended',
  suspended: 'suspended',
  lost: 'lost',
  revoked: 'revoked',
  'not-issued': 'none',
};

/**
 * Whether a person (all their permits) or one permit serves on `asOf`. Of several permits (a lost one replaced)
 * the latest issued that is in force answers, else the latest issued; none issued by then: `none`.
 */
export function verifyPermits(
  permits: readonly ProfilePermit[],
  asOf: CalendarDate,
  config: PermitConfig,
): PermitVerification {
  const issued = permits.filter((p) => p.issuedOn <= asOf).sort((a, b) => (a.issuedOn < b.issuedOn ? 1 : -1));
  const permit = issued.find((p) => inForceOn(p, asOf)) ?? issued[0];
  if (permit === undefined) return { valid: false, reason: 'none' };
  const facts = { endorsedUntil: permit.endorsedUntil, city: cityOf(permit.issuingDivisionCode) };
  if (inForceOn(permit, asOf)) return { valid: true, ...facts };
  return { valid: false, ...facts, reason: REASONS[permitPhaseOn(permit, asOf, config)] ?? 'none' };
}

// ---- what time changes: notices and review days --------------------------------------------------------------

/** Each permit's phase on a day, by recordId: what the profile item keeps to notice a change. */
export function permitPhases(
  permits: readonly ProfilePermit[],
  asOf: CalendarDate,
  config: PermitConfig,
): Record<string, PermitPhase> {
  return Object.fromEntries(permits.map((p) => [p.recordId, permitPhaseOn(p, asOf, config)]));
}

/** A permit that entered a phase its holder and the services must hear of. */
export interface PermitNotice {
  permit: ProfilePermit;
  phase: 'endorsement-due' | 'lapsed';
}

/**
 * The permits that entered `endorsement-due` (ResidencePermit.EndorsementDue) or `lapsed`
 * (ResidencePermit.Suspended) since `before`. An endorsement moves a permit back to `valid`, so the next year's
 * notice comes again.
 */
export function permitNotices(
  permits: readonly ProfilePermit[],
  before: Readonly<Record<string, PermitPhase>> | undefined,
  after: Readonly<Record<string, PermitPhase>>,
): PermitNotice[] {
  return permits.flatMap((permit) => {
    const phase = after[permit.recordId];
    if ((phase !== 'endorsement-due' && phase !== 'lapsed') || before?.[permit.recordId] === phase) return [];
    return [{ permit, phase }];
  });
}

/** The first day after `asOf` on which time alone changes a permit's phase (issue, notice, lapse). */
export function nextPermitReview(
  permits: readonly ProfilePermit[],
  asOf: CalendarDate,
  config: PermitConfig,
): CalendarDate | undefined {
  return permits
    .filter((p) => p.status === 'valid')
    .flatMap((p) => [p.issuedOn, endorsementNoticeOn(p, config), addDays(p.endorsedUntil, 1)])
    .filter((day) => day > asOf)
    .sort()[0];
}

// ---- continuous holding (points) ----------------------------------------------------------------------------

/**
 * Whether a permit is in force on `asOf` and since when without a break: from its issue, restarting at an
 * endorsement made after the previous endorsement had lapsed (the first endorsement continues the issue: the
 * validity before it is not recorded).
 */
export function permitHolding(
  permits: readonly ProfilePermit[],
  asOf: CalendarDate,
): { held: boolean; since?: CalendarDate; years: number } {
  const permit = permits
    .filter((p) => inForceOn(p, asOf))
    .sort((a, b) => (a.issuedOn < b.issuedOn ? 1 : -1))[0];
  if (permit === undefined) return { held: false, years: 0 };
  let since = permit.issuedOn;
  const endorsements = (permit.endorsements ?? []).filter((e) => e.endorsedOn <= asOf);
  for (const [index, endorsement] of endorsements.entries()) {
    const previous = endorsements[index - 1];
    if (previous !== undefined && endorsement.endorsedOn > previous.endorsedUntil)
      since = endorsement.endorsedOn;
  }
  return { held: true, since, years: Math.floor(fullMonthsBetween(since, asOf) / 12) };
}

// ---- applications ------------------------------------------------------------------------------------------

/** The last day public security may issue the permit an application asks for. */
export const issuanceDueOn = (application: ProfileApplication, config: PermitConfig): CalendarDate =>
  addDays(application.submittedOn, config.issuanceDeadlineDays);

/**
 * The permit that answers an application: the one that names it (`applicationId`), else one that names no
 * application and was issued on or after the application's day.
 */
export function answeringPermit(
  application: ProfileApplication,
  permits: readonly ProfilePermit[],
): ProfilePermit | undefined {
  return (
    permits.find((p) => p.applicationId === application.recordId) ??
    permits.find((p) => p.applicationId === undefined && p.issuedOn >= application.submittedOn)
  );
}

/** The flag on an application's result when the eligibility rules do not (yet) support it. */
export type ApplicationFlag =
  | { code: 'ELIGIBILITY_NOT_MET'; missing: ConditionName[] }
  | { code: 'ELIGIBLE_FROM'; eligibleFrom: CalendarDate };

/**
 * What an application's result says of the applicant's eligibility on the day of the application (the
 * application is stored either way: the decision is public security's): nothing when eligible; the day the
 * known records make them eligible, if there is one; otherwise the conditions missing.
 */
export function applicationFlags(eligibility: EligibilityResult): ApplicationFlag[] {
  if (eligibility.eligible) return [];
  if (eligibility.eligibleFrom !== undefined)
    return [{ code: 'ELIGIBLE_FROM', eligibleFrom: eligibility.eligibleFrom }];
  return [{ code: 'ELIGIBILITY_NOT_MET', missing: eligibility.missing }];
}
