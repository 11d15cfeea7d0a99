import { stringify } from 'safe-stable-stringify';
import { type EligibilityResult, eligibilityChanged, evaluateEligibility } from '#domain/eligibility.ts';
import { nextEligibilityReview } from '#domain/eligibility-due.ts';
import { nextPermitReview, type PermitNotice, permitNotices, permitPhases } from '#domain/permit.ts';
import { type PointsScore, scorePoints } from '#domain/points.ts';
import { pointsTableFor } from '#domain/points-config.ts';
import { type PersonProfile, profileHash } from '#domain/profile.ts';
import {
  buildDerivedEvent,
  DERIVED_DETAIL_TYPES,
  type DerivedEventEntry,
  PROFILE_SECTIONS,
} from '#events/derived.ts';
import { dueGsiPk, PROFILE_SK, type ProfileItem, profilePk } from '../adapters/profile-store.ts';
import type { DerivedConfig } from '../runtime/derived-config.ts';

/** What changed the view: new records (a change event) or the passing of time (the daily evaluation). */
export type DeriveCause = 'records' | 'time';

export interface PlanContext {
  config: DerivedConfig;
  /** The province's calendar day the view is evaluated on. */
  asOf: string;
  /** ISO timestamp of this run (updatedAt, occurredAt). */
  at: string;
  cause: DeriveCause;
  eventBusName?: string | undefined;
}

export interface ProfilePlan {
  /** The item to write (conditional on the version read); undefined when nothing changed. */
  item?: ProfileItem;
  /** Detail-types of the events this plan puts in the item's outbox. */
  events: string[];
}

/** The division prefix of the residence area, padded to a division code, picks the city's points table. */
function pointsOf(profile: PersonProfile, eligibility: EligibilityResult, context: PlanContext) {
  if (eligibility.city === undefined) return undefined;
  const table = pointsTableFor(eligibility.city.padEnd(6, '0'), context.config.pointsTables);
  return table === undefined ? undefined : scorePoints(profile, context.asOf, table);
}

const sameSources = (a: Record<string, number> | undefined, b: Record<string, number>): boolean =>
  a !== undefined && stringify(a) === stringify(b);

function changedSections(before: PersonProfile | undefined, after: PersonProfile) {
  return PROFILE_SECTIONS.filter((section) => stringify(before?.[section]) !== stringify(after[section]));
}

/** The earlier of two review days (either may be absent). */
const earlier = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined || a <= b ? a : b;

const samePhases = (a: Record<string, string> | undefined, b: Record<string, string>): boolean =>
  stringify(a ?? {}) === stringify(b);

/** ResidencePermit.EndorsementDue or .Suspended for a permit that entered that phase. */
function permitNoticeEvent(
  notice: PermitNotice,
  personKey: string,
  version: number,
  context: PlanContext,
): DerivedEventEntry {
  const detailType =
    notice.phase === 'endorsement-due'
      ? DERIVED_DETAIL_TYPES.endorsementDue
      : DERIVED_DETAIL_TYPES.permitSuspended;
  return buildDerivedEvent(
    detailType,
    {
      id: `${notice.permit.recordId}:${version}`,
      personKey,
      version,
      recordId: notice.permit.recordId,
      asOf: context.asOf,
      endorsedUntil: notice.permit.endorsedUntil,
      divisionCode: notice.permit.issuingDivisionCode,
      cause: context.cause,
      occurredAt: context.at,
    },
    context.eventBusName,
  );
}

/** The most recent residence's division: a content filter key for consumers of derived events. */
const currentDivision = (profile: PersonProfile): string | undefined =>
  profile.residences.at(-1)?.divisionCode;

/**
 * Decides what a derivation writes: a new item version when the view's content, its sources, the eligibility
 * outcome (eligibilityChanged), a permit's phase or the next review day changed; never for points drifting
 * with time alone (they are recomputed on read). The events go into the new version's outbox;
 * functions/publish puts them on the bus from the table's stream once the write is committed:
 * PersonProfile.Updated when the profile hash changed, PermitEligibility.Changed when the outcome did,
 * ResidencePermit.EndorsementDue / .Suspended when a permit entered that phase (permit.ts).
 * Deterministic in its inputs, so replaying the same records on the same day plans nothing.
 */
export function planProfile(
  before: ProfileItem | undefined,
  profile: PersonProfile,
  context: PlanContext,
): ProfilePlan {
  const { config, asOf, at } = context;
  const hash = profileHash(profile);
  const eligibility = evaluateEligibility(profile, asOf, config.eligibility);
  const phases = permitPhases(profile.permits, asOf, config.permits);
  const reviewOn = earlier(
    nextEligibilityReview(profile, asOf, config.eligibility, eligibility),
    nextPermitReview(profile.permits, asOf, config.permits),
  );
  const profileChanged = before?.profileHash !== hash;
  const outcomeChanged = eligibilityChanged(before?.eligibility, eligibility);
  const notices = permitNotices(profile.permits, before?.permitPhases, phases);
  const changed =
    profileChanged ||
    outcomeChanged ||
    !samePhases(before?.permitPhases, phases) ||
    !sameSources(before?.profile.sources, profile.sources) ||
    before?.reviewOn !== reviewOn;
  if (!changed) return { events: [] };

  const version = (before?.version ?? 0) + 1;
  const personKey = profile.personKey;
  const id = `${personKey}:${version}`;
  const events: DerivedEventEntry[] = [];
  if (profileChanged) {
    const divisionCode = currentDivision(profile);
    events.push(
      buildDerivedEvent(
        DERIVED_DETAIL_TYPES.profileUpdated,
        {
          id,
          personKey,
          version,
          profileHash: hash,
          ...(before === undefined ? {} : { previousProfileHash: before.profileHash }),
          changedSections: changedSections(before?.profile, profile),
          ...(divisionCode === undefined ? {} : { divisionCode }),
          occurredAt: at,
        },
        context.eventBusName,
      ),
    );
  }
  if (outcomeChanged) {
    const previous = before?.eligibility;
    events.push(
      buildDerivedEvent(
        DERIVED_DETAIL_TYPES.eligibilityChanged,
        {
          id,
          personKey,
          version,
          asOf,
          eligible: eligibility.eligible,
          ...(eligibility.eligibleFrom === undefined ? {} : { eligibleFrom: eligibility.eligibleFrom }),
          ...(eligibility.city === undefined ? {} : { city: eligibility.city }),
          met: eligibility.met,
          missing: eligibility.missing,
          ...(previous === undefined
            ? {}
            : {
                previous: {
                  eligible: previous.eligible,
                  ...(previous.eligibleFrom === undefined ? {} : { eligibleFrom: previous.eligibleFrom }),
                  met: previous.met,
                },
              }),
          cause: context.cause,
          occurredAt: at,
        },
        context.eventBusName,
      ),
    );
  }
  for (const notice of notices) events.push(permitNoticeEvent(notice, personKey, version, context));
  const points: PointsScore | undefined = pointsOf(profile, eligibility, context);
  const outbox = events;
  const item: ProfileItem = {
    pk: profilePk(personKey),
    sk: PROFILE_SK,
    personKey,
    version,
    profileHash: hash,
    profile,
    eligibility,
    ...(profile.permits.length === 0 ? {} : { permitPhases: phases }),
    ...(points === undefined ? {} : { points }),
    ...(reviewOn === undefined ? {} : { reviewOn, gsi1pk: dueGsiPk(reviewOn), gsi1sk: personKey }),
    ...(outbox.length === 0 ? {} : { outbox }),
    createdAt: before?.createdAt ?? at,
    updatedAt: at,
  };
  return { item, events: events.map((e) => e.DetailType) };
}
