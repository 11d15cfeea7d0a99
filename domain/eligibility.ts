// Residence permit eligibility (居住证暂行条例 art. 2) evaluated "as of" a date from a person profile.
import type { ContractType, ResidenceType } from '../schemas/values/enums.ts';
import {
  addDays,
  addMonths,
  type CalendarDate,
  covers,
  earliestEnd,
  fullMonthsBetween,
  type Period,
} from './dates.ts';
import type { PersonProfile } from './profile.ts';

/** How much of a division code makes "the same place": province (2 digits), city (4), county (6). */
export type ResidenceArea = 'province' | 'city' | 'county';

const AREA_PREFIX_LENGTH: Readonly<Record<ResidenceArea, number>> = {
  province: 2,
  city: 4,
  county: 6,
};

/** The area (division code prefix) a division code lies in. */
export const areaOf = (divisionCode: string, area: ResidenceArea): string =>
  divisionCode.slice(0, AREA_PREFIX_LENGTH[area]);

export interface EligibilityConfig {
  /** Months of continuous residence required ("at least half a year"). */
  readonly minimumResidenceMonths: number;
  /** Residence counts as continuous while it stays in one such area (a move across counties of a city does). */
  readonly residenceArea: ResidenceArea;
  /**
   * Days allowed between a move-out and the next move-in within the area: with 1 the next move-in must be on
   * or before the day after the move-out; a later one restarts the count.
   */
  readonly continuityGraceDays: number;
  /** Registered residence types that are a legal stable residence by themselves (a lease comes as a tenancy). */
  readonly housingResidenceTypes: readonly ResidenceType[];
  /** Contract types that are a labour contract (`none` is not). */
  readonly employmentContractTypes: readonly ContractType[];
  /** Employment, housing and schooling count only in the area of the residence. */
  readonly evidenceInResidenceArea: boolean;
  /** The permit is for someone who has left the place of household registration: a hukou in the area fails. */
  readonly requireAwayFromHukou: boolean;
  /** A planned end (a contract's or lease's endsOn) that has passed ends it, like an actual end. */
  readonly plannedEndEnds: boolean;
}

export const DEFAULT_ELIGIBILITY_CONFIG: EligibilityConfig = {
  minimumResidenceMonths: 6,
  residenceArea: 'city',
  continuityGraceDays: 1,
  housingResidenceTypes: ['owned', 'employer-dormitory'],
  employmentContractTypes: ['fixed-term', 'open-ended', 'task-based'],
  evidenceInResidenceArea: true,
  requireAwayFromHukou: true,
  plannedEndEnds: true,
};

export interface ResidenceCondition {
  met: boolean;
  /** First day of the continuous residence in the area that holds on the date. */
  since?: CalendarDate;
  /** Full months from `since` to the date (see dates.ts fullMonthsBetween). */
  monthsResided: number;
  requiredMonths: number;
  /** The day the required months are reached: addMonths(since, requiredMonths). */
  reachedOn?: CalendarDate;
  evidence: string[];
}

export interface HukouCondition {
  met: boolean;
  hukouDivisionCode?: string;
}

export interface EvidenceCondition {
  met: boolean;
  /** recordIds that satisfy the condition on the date. */
  evidence: string[];
}

export interface EligibilityConditions {
  residence6Months: ResidenceCondition;
  awayFromHukou: HukouCondition;
  employment: EvidenceCondition;
  housing: EvidenceCondition;
  schooling: EvidenceCondition;
}

export type ConditionName = keyof EligibilityConditions;

export interface EligibilityResult {
  asOf: CalendarDate;
  /** Residence months reached, away from hukou, and at least one of employment, housing, schooling. */
  eligible: boolean;
  /**
   * Eligible: the day the current uninterrupted eligibility began. Not eligible: the first later day on which
   * the known records make the person eligible (e.g. when the months will be reached), if any.
   */
  eligibleFrom?: CalendarDate;
  /** The area prefix of the residence (4 digits for a city). */
  city?: string;
  conditions: EligibilityConditions;
  met: ConditionName[];
  missing: ConditionName[];
}

// ---- residence stints and continuous chains ----------------------------------------------------------

/** One registered residence as a period of days. */
export interface Stint extends Period {
  recordId: string;
  divisionCode: string;
  residenceType: string;
}

/** A continuous residence within one area: stints that overlap or follow within the grace days. */
interface Chain extends Period {
  area: string;
  stints: Stint[];
}

/**
 * A registration ends on its movedOutOn, or else on the first departure reported from its county on or
 * after its move-in (a departure filed as its own record).
 */
export function residenceStints(profile: PersonProfile): Stint[] {
  return profile.residences.map((r) => {
    const departure = profile.departures
      .filter((d) => d.divisionCode === r.divisionCode && d.movedOutOn >= r.movedInOn)
      .map((d) => d.movedOutOn)
      .sort()[0];
    return {
      recordId: r.recordId,
      divisionCode: r.divisionCode,
      residenceType: r.residenceType,
      start: r.movedInOn,
      end: earliestEnd(r.movedOutOn, departure),
    };
  });
}

function chainsOf(stints: readonly Stint[], config: EligibilityConfig): Chain[] {
  const byArea = Map.groupBy(stints, (s) => areaOf(s.divisionCode, config.residenceArea));
  const chains: Chain[] = [];
  for (const [area, members] of [...byArea.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const sorted = [...members].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let current: Chain | undefined;
    for (const stint of sorted) {
      const continues =
        current !== undefined &&
        (current.end === undefined || stint.start <= addDays(current.end, config.continuityGraceDays));
      if (current !== undefined && continues) {
        current.end =
          current.end === undefined || stint.end === undefined ? undefined : maxOf(current.end, stint.end);
        current.stints.push(stint);
      } else {
        current = { area, start: stint.start, end: stint.end, stints: [stint] };
        chains.push(current);
      }
    }
  }
  return chains;
}

const maxOf = (a: CalendarDate, b: CalendarDate): CalendarDate => (a > b ? a : b);

/** The latest move-in on or before `date` among the chain's stints (where the person most recently went). */
const latestMoveIn = (chain: Chain, date: CalendarDate): CalendarDate =>
  chain.stints.reduce((latest, s) => (s.start <= date && s.start > latest ? s.start : latest), '');

/**
 * The residence that holds on `date`: of the chains covering it, the one most recently moved into (a stale
 * registration elsewhere that was never closed does not hold the person there).
 */
function currentChain(chains: readonly Chain[], date: CalendarDate): Chain | undefined {
  let best: Chain | undefined;
  for (const chain of chains) {
    if (!covers(chain, date)) continue;
    if (best === undefined || latestMoveIn(chain, date) > latestMoveIn(best, date)) best = chain;
  }
  return best;
}

// ---- the conditions on one day -----------------------------------------------------------------------

interface Timeline {
  profile: PersonProfile;
  config: EligibilityConfig;
  chains: Chain[];
}

function plannedEnd(config: EligibilityConfig, endsOn: CalendarDate | undefined): CalendarDate | undefined {
  return config.plannedEndEnds ? endsOn : undefined;
}

function evidence(ids: string[]): EvidenceCondition {
  return { met: ids.length > 0, evidence: ids.sort() };
}

function statusOn(timeline: Timeline, date: CalendarDate): EligibilityResult {
  const { profile, config, chains } = timeline;
  const chain = currentChain(chains, date);
  const inArea = (divisionCode: string): boolean =>
    !config.evidenceInResidenceArea ||
    chain === undefined ||
    areaOf(divisionCode, config.residenceArea) === chain.area;

  const required = config.minimumResidenceMonths;
  const reachedOn = chain === undefined ? undefined : addMonths(chain.start, required);
  const residence: ResidenceCondition =
    chain === undefined
      ? { met: false, monthsResided: 0, requiredMonths: required, evidence: [] }
      : {
          met: reachedOn !== undefined && date >= reachedOn,
          since: chain.start,
          monthsResided: fullMonthsBetween(chain.start, date),
          requiredMonths: required,
          ...(reachedOn === undefined ? {} : { reachedOn }),
          evidence: chain.stints
            .filter((s) => s.start <= date)
            .map((s) => s.recordId)
            .sort(),
        };

  const hukou = profile.person.hukouDivisionCode;
  const awayFromHukou: HukouCondition = {
    met:
      !config.requireAwayFromHukou ||
      hukou === undefined ||
      chain === undefined ||
      areaOf(hukou, config.residenceArea) !== chain.area,
    ...(hukou === undefined ? {} : { hukouDivisionCode: hukou }),
  };

  const employment = evidence([
    ...profile.employments
      .filter((e) => config.employmentContractTypes.some((t) => t === e.contractType))
      .filter((e) =>
        covers({ start: e.startsOn, end: earliestEnd(e.endedOn, plannedEnd(config, e.endsOn)) }, date),
      )
      .filter((e) => inArea(e.divisionCode))
      .map((e) => e.recordId),
    ...profile.businessLicenses
      .filter((b) => covers({ start: b.registeredOn, end: b.revokedOn }, date) && inArea(b.divisionCode))
      .map((b) => b.recordId),
  ]);

  const housing = evidence([
    ...(chain?.stints ?? [])
      .filter((s) => covers(s, date) && config.housingResidenceTypes.some((t) => t === s.residenceType))
      .map((s) => s.recordId),
    ...profile.tenancies
      .filter((t) =>
        covers({ start: t.startsOn, end: earliestEnd(t.endedOn, plannedEnd(config, t.endsOn)) }, date),
      )
      .filter((t) => inArea(t.divisionCode))
      .map((t) => t.recordId),
  ]);

  const schooling = evidence(
    profile.schooling
      .filter((s) => covers({ start: s.enrolledOn, end: s.leftOn }, date) && inArea(s.divisionCode))
      .map((s) => s.recordId),
  );

  const conditions: EligibilityConditions = {
    residence6Months: residence,
    awayFromHukou,
    employment,
    housing,
    schooling,
  };
  const names = Object.keys(conditions) as ConditionName[];
  return {
    asOf: date,
    eligible: residence.met && awayFromHukou.met && (employment.met || housing.met || schooling.met),
    ...(chain === undefined ? {} : { city: chain.area }),
    conditions,
    met: names.filter((name) => conditions[name].met),
    missing: names.filter((name) => !conditions[name].met),
  };
}

/**
 * Every day on which some condition can change: starts, days after ends, the days the required months are
 * reached. Between two such days the outcome is the same, so only they need evaluating.
 */
function changeDays(timeline: Timeline): CalendarDate[] {
  const { profile, config, chains } = timeline;
  const days = new Set<CalendarDate>();
  const period = (start: CalendarDate, ...ends: Array<CalendarDate | undefined>): void => {
    days.add(start);
    for (const end of ends) if (end !== undefined) days.add(addDays(end, 1));
  };
  for (const chain of chains) {
    days.add(addMonths(chain.start, config.minimumResidenceMonths));
    for (const stint of chain.stints) period(stint.start, stint.end);
  }
  for (const e of profile.employments) period(e.startsOn, e.endedOn, e.endsOn);
  for (const b of profile.businessLicenses) period(b.registeredOn, b.revokedOn);
  for (const t of profile.tenancies) period(t.startsOn, t.endedOn, t.endsOn);
  for (const s of profile.schooling) period(s.enrolledOn, s.leftOn);
  return [...days].sort();
}

/**
 * Evaluates the permit conditions on `asOf`. All end dates are the last day of what they end (inclusive):
 * an employment ended on 2024-06-30 still counts on that day, not on 2024-07-01. The required months are
 * reached on addMonths(since, months), with end-of-month clamping: moved in 2024-03-01 → eligible from
 * 2024-09-01; moved in 2024-08-31 → 2025-02-28.
 */
export function evaluateEligibility(
  profile: PersonProfile,
  asOf: CalendarDate,
  config: EligibilityConfig = DEFAULT_ELIGIBILITY_CONFIG,
): EligibilityResult {
  const timeline: Timeline = { profile, config, chains: chainsOf(residenceStints(profile), config) };
  const result = statusOn(timeline, asOf);
  const days = changeDays(timeline);
  let eligibleFrom: CalendarDate | undefined;
  if (result.eligible) {
    // Walk back over the change days while the person stays eligible: the last one reached is where it began.
    eligibleFrom = asOf;
    for (const day of days.filter((d) => d <= asOf).reverse()) {
      if (!statusOn(timeline, day).eligible) break;
      eligibleFrom = day;
    }
  } else {
    eligibleFrom = days.find((day) => day > asOf && statusOn(timeline, day).eligible);
  }
  return eligibleFrom === undefined ? result : { ...result, eligibleFrom };
}

/**
 * True when the outcome differs in a way worth a PermitEligibility.Changed event: eligibility, eligibleFrom,
 * the area, the start of the residence, or any condition's met flag. Months passing alone is no change.
 */
export function eligibilityChanged(before: EligibilityResult | undefined, after: EligibilityResult): boolean {
  if (before === undefined) return true;
  if (
    before.eligible !== after.eligible ||
    before.eligibleFrom !== after.eligibleFrom ||
    before.city !== after.city ||
    before.conditions.residence6Months.since !== after.conditions.residence6Months.since
  ) {
    return true;
  }
  const names = Object.keys(after.conditions) as ConditionName[];
  return names.some((name) => before.conditions[name].met !== after.conditions[name].met);
}
