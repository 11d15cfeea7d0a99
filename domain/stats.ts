// Survey statistics (调查摸底): what one person adds to the per-division counters, and the view built from
// those counters. Pure: no I/O, and no clock unless the caller passes a date.
import { RESIDENCE_TYPES } from '../schemas/values/enums.ts';
import { addDays, daysBetween } from './dates.ts';
import { answeringPermit, DEFAULT_PERMIT_CONFIG, type PermitConfig } from './permit.ts';
import type { PersonProfile, ProfileResidence } from './profile.ts';

/** The parts of a profile the statistics read. A full PersonProfile fits. */
export type StatsFacts = Pick<
  PersonProfile,
  | 'residences'
  | 'departures'
  | 'employments'
  | 'businessLicenses'
  | 'insurances'
  | 'schooling'
  | 'applications'
  | 'permits'
>;

/**
 * Counter increments, keyed by counter id `<division>#<counterKey>` (see counterId). A person's own
 * contribution holds only 1s; sums of contributions and deltas hold any integer.
 */
export type Contribution = Map<string, number>;

/** Counters of one division: counterKey -> value (what the store reads back for a division). */
export type DivisionCounters = ReadonlyMap<string, number>;

export interface StatsConfig {
  /** Registered migrants per coordinator (协管员), DOMAIN.md §1: 800∶1. */
  readonly migrantsPerCoordinator: number;
}

export const DEFAULT_STATS_CONFIG: StatsConfig = { migrantsPerCoordinator: 800 };

const PENDING_PREFIX = 'applicationPending:';
const ISSUED_PREFIX = 'issuedAfterDays:';

export const COUNTER = {
  registered: 'registered',
  employed: 'employed',
  notEmployed: 'notEmployed',
  insured: 'insured',
  uninsured: 'uninsured',
  schooling: 'schooling',
  residenceType: (type: string) => `residenceType:${type}`,
  movedIn: (yearMonth: string) => `movedIn:${yearMonth}`,
  registeredInYear: (year: string) => `registeredInYear:${year}`,
  /** A permit application no permit answers yet, by the day it was submitted. */
  applicationPending: (submittedOn: string) => `${PENDING_PREFIX}${submittedOn}`,
  /** An application answered by a permit, by the days from the application to the issue. */
  issuedAfterDays: (days: number) => `${ISSUED_PREFIX}${days}`,
} as const;

const SEPARATOR = '#';

export const counterId = (division: string, counterKey: string): string =>
  `${division}${SEPARATOR}${counterKey}`;

export function splitCounterId(id: string): { division: string; counterKey: string } {
  const at = id.indexOf(SEPARATOR);
  if (at < 0) throw new Error(`not a counter id: ${id}`);
  return { division: id.slice(0, at), counterKey: id.slice(at + 1) };
}

const DIVISION_CODE = /^\d{6}$/;

/**
 * The 6-digit codes of the province, city and county a division belongs to, e.g. 330106 -> 330000, 330100,
 * 330106. A city- or province-level code yields fewer levels (330100 -> 330000, 330100).
 */
export function divisionLevels(divisionCode: string): string[] {
  if (!DIVISION_CODE.test(divisionCode)) throw new Error(`not a 6-digit division code: ${divisionCode}`);
  const levels = [`${divisionCode.slice(0, 2)}0000`, `${divisionCode.slice(0, 4)}00`, divisionCode];
  return [...new Set(levels)];
}

/**
 * Whether something that started on `start` and ends on `end` (exclusive: the end date is the first day it
 * no longer holds) is active. Without `asOf` only the facts count — active means "no end recorded" — so the
 * answer never changes with the passing of time; with `asOf` it is evaluated on that day.
 */
function active(start: string, end: string | undefined, asOf: string | undefined): boolean {
  if (asOf === undefined) return end === undefined;
  return start <= asOf && (end === undefined || end > asOf);
}

/**
 * Registrations still in force: no move-out date, and no departure filed for that division on or after the
 * move-in (a departure is its own record, so a registration can be ended without being updated).
 */
function currentResidences(facts: StatsFacts, asOf: string | undefined): ProfileResidence[] {
  return facts.residences.filter((residence) => {
    if (!active(residence.movedInOn, residence.movedOutOn, asOf)) return false;
    return !facts.departures.some(
      (departure) =>
        departure.divisionCode === residence.divisionCode &&
        departure.movedOutOn >= residence.movedInOn &&
        (asOf === undefined || departure.movedOutOn <= asOf),
    );
  });
}

function isEmployed(facts: StatsFacts, asOf: string | undefined): boolean {
  return (
    facts.employments.some((job) => {
      // A contract's planned end (endsOn) only matters on a given day; without a day, only endedOn ends it.
      const plannedEnd = asOf !== undefined && job.endsOn !== undefined && job.endsOn < asOf;
      return !plannedEnd && active(job.startsOn, job.endedOn, asOf);
    }) || facts.businessLicenses.some((licence) => active(licence.registeredOn, licence.revokedOn, asOf))
  );
}

const laterMoveInFirst = (a: ProfileResidence, b: ProfileResidence): number =>
  a.movedInOn !== b.movedInOn
    ? a.movedInOn > b.movedInOn
      ? -1
      : 1
    : a.divisionCode < b.divisionCode
      ? -1
      : a.divisionCode > b.divisionCode
        ? 1
        : 0;

/**
 * The counters one person adds to the statistics.
 *
 * For each division (province, city, county) holding one of the person's current registrations, the person
 * counts once: `registered`, `residenceType:<type>`, `employed` | `notEmployed`, `insured` | `uninsured`,
 * `schooling` (if enrolled) and `movedIn:<YYYY-MM>`. Two current registrations under the same city (two
 * counties) count once at city and province level, described by the most recent move-in.
 * `registeredInYear:<YYYY>` counts every registration by its move-in year, current or ended — the
 * coordinator ratio is about last year's registrations, including people who have left since.
 *
 * Without `asOf` (what the incremental counters use) the result depends on the facts alone: a record is
 * active while it has no end date. That keeps the counters reproducible by a recount on any later day and
 * lets length of residence be computed when the statistics are read. With `asOf` the same rules are
 * evaluated on that day (records not yet started, or ended by then, do not count).
 */
export function statsContribution(profile: StatsFacts | undefined, asOf?: string): Contribution {
  const contribution: Contribution = new Map();
  if (profile === undefined) return contribution;
  const add = (division: string, counterKey: string) => contribution.set(counterId(division, counterKey), 1);

  for (const residence of profile.residences) {
    if (asOf !== undefined && residence.movedInOn > asOf) continue;
    for (const division of divisionLevels(residence.divisionCode)) {
      add(division, COUNTER.registeredInYear(residence.movedInOn.slice(0, 4)));
    }
  }

  const employment = isEmployed(profile, asOf) ? COUNTER.employed : COUNTER.notEmployed;
  const insurance = profile.insurances.some((cover) => active(cover.startedOn, cover.stoppedOn, asOf))
    ? COUNTER.insured
    : COUNTER.uninsured;
  const enrolled = profile.schooling.some((school) => active(school.enrolledOn, school.leftOn, asOf));

  // Applications count in the county of residence, whose public-security bureau issues the permit. The keys
  // hold facts only (the day applied, the days it took), so the deadline is applied when they are read.
  for (const application of profile.applications) {
    if (asOf !== undefined && application.submittedOn > asOf) continue;
    const permit = answeringPermit(application, profile.permits);
    const answered = permit !== undefined && (asOf === undefined || permit.issuedOn <= asOf);
    const counterKey = answered
      ? COUNTER.issuedAfterDays(Math.max(0, daysBetween(application.submittedOn, permit.issuedOn)))
      : COUNTER.applicationPending(application.submittedOn);
    for (const division of divisionLevels(application.divisionCode)) add(division, counterKey);
  }

  const described = new Set<string>();
  for (const residence of currentResidences(profile, asOf).sort(laterMoveInFirst)) {
    for (const division of divisionLevels(residence.divisionCode)) {
      if (described.has(division)) continue;
      described.add(division);
      add(division, COUNTER.registered);
      add(division, COUNTER.residenceType(residence.residenceType));
      add(division, employment);
      add(division, insurance);
      if (enrolled) add(division, COUNTER.schooling);
      add(division, COUNTER.movedIn(residence.movedInOn.slice(0, 7)));
    }
  }
  return contribution;
}

/** after − before, counter by counter; counters that do not change are left out. */
export function contributionDelta(before: Contribution, after: Contribution): Contribution {
  const delta: Contribution = new Map();
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const change = (after.get(id) ?? 0) - (before.get(id) ?? 0);
    if (change !== 0) delta.set(id, change);
  }
  return delta;
}

/** The sum of many contributions: what the counters must hold (a full recount). Zero sums are left out. */
export function sumContributions(contributions: Iterable<Contribution>): Contribution {
  const total: Contribution = new Map();
  for (const contribution of contributions) {
    for (const [id, value] of contribution) total.set(id, (total.get(id) ?? 0) + value);
  }
  for (const [id, value] of total) if (value === 0) total.delete(id);
  return total;
}

/** The counters of one division, picked out of a contribution (counterKey -> value). */
export function countersOfDivision(contribution: Contribution, division: string): Map<string, number> {
  const counters = new Map<string, number>();
  for (const [id, value] of contribution) {
    const split = splitCounterId(id);
    if (split.division === division) counters.set(split.counterKey, value);
  }
  return counters;
}

export interface LengthOfResidence {
  under6Months: number;
  sixTo12Months: number;
  oneTo3Years: number;
  threeTo5Years: number;
  over5Years: number;
}

/** The performance of permit issuance (绩效考核): applications and how soon they were answered. */
export interface IssuanceView {
  /** Applications no permit answers yet (filed on or before the day). */
  pending: number;
  /** Of them, those past the issuance deadline on the day (submitted + deadline days < the day). */
  overdue: number;
  /** Applications answered by a permit. */
  issued: number;
  /** Of them, those answered after the deadline. */
  issuedLate: number;
  /** The issuance deadline applied, in days after the application. */
  deadlineDays: number;
}

export interface StatsView {
  division: string;
  registered: number;
  byResidenceType: Record<string, number>;
  employment: { employed: number; notEmployed: number };
  insurance: { insured: number; uninsured: number };
  schooling: number;
  lengthOfResidence: LengthOfResidence;
  /** ceil(registrations in the previous calendar year / migrantsPerCoordinator). */
  coordinatorsRequired: number;
  permitIssuance: IssuanceView;
}

const YEAR_MONTH = /^(\d{4})-(\d{2})/;

function monthIndex(date: string): number {
  const match = YEAR_MONTH.exec(date);
  if (!match) throw new Error(`not a YYYY-MM date: ${date}`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

/**
 * Whole calendar months between the move-in month and asOf's month decide the bucket (the counters keep
 * months, not days): moving in on 31 Jan counts as six months on 1 Jul.
 */
function lengthBucket(monthsResident: number): keyof LengthOfResidence {
  if (monthsResident < 6) return 'under6Months';
  if (monthsResident < 12) return 'sixTo12Months';
  if (monthsResident < 36) return 'oneTo3Years';
  if (monthsResident < 60) return 'threeTo5Years';
  return 'over5Years';
}

/** The issuance figures as of a day: a pending application is overdue the day after its deadline. */
function issuanceView(counters: DivisionCounters, asOf: string, permits: PermitConfig): IssuanceView {
  const deadlineDays = permits.issuanceDeadlineDays;
  const view: IssuanceView = { pending: 0, overdue: 0, issued: 0, issuedLate: 0, deadlineDays };
  for (const [counterKey, value] of counters) {
    if (counterKey.startsWith(PENDING_PREFIX)) {
      view.pending += value;
      if (addDays(counterKey.slice(PENDING_PREFIX.length), deadlineDays) < asOf) view.overdue += value;
    } else if (counterKey.startsWith(ISSUED_PREFIX)) {
      view.issued += value;
      if (Number(counterKey.slice(ISSUED_PREFIX.length)) > deadlineDays) view.issuedLate += value;
    }
  }
  return view;
}

/** The statistics of one division as of a day, from that division's counters. */
export function statsView(
  counters: DivisionCounters,
  division: string,
  asOf: string,
  config: StatsConfig = DEFAULT_STATS_CONFIG,
  permits: PermitConfig = DEFAULT_PERMIT_CONFIG,
): StatsView {
  if (!(config.migrantsPerCoordinator > 0)) throw new Error('migrantsPerCoordinator must be positive');
  const count = (counterKey: string) => counters.get(counterKey) ?? 0;
  const byResidenceType: Record<string, number> = Object.fromEntries(
    RESIDENCE_TYPES.map((type) => [type, 0]),
  );
  const lengthOfResidence: LengthOfResidence = {
    under6Months: 0,
    sixTo12Months: 0,
    oneTo3Years: 0,
    threeTo5Years: 0,
    over5Years: 0,
  };
  const asOfMonth = monthIndex(asOf);
  const typePrefix = COUNTER.residenceType('');
  const movedInPrefix = COUNTER.movedIn('');
  for (const [counterKey, value] of counters) {
    if (counterKey.startsWith(typePrefix)) {
      const type = counterKey.slice(typePrefix.length);
      byResidenceType[type] = (byResidenceType[type] ?? 0) + value;
    } else if (counterKey.startsWith(movedInPrefix)) {
      // A move-in month after asOf (a view of the past) counts as the shortest stay.
      const months = Math.max(0, asOfMonth - monthIndex(counterKey.slice(movedInPrefix.length)));
      lengthOfResidence[lengthBucket(months)] += value;
    }
  }
  const previousYear = String(Number(asOf.slice(0, 4)) - 1);
  return {
    division,
    registered: count(COUNTER.registered),
    byResidenceType,
    employment: { employed: count(COUNTER.employed), notEmployed: count(COUNTER.notEmployed) },
    insurance: { insured: count(COUNTER.insured), uninsured: count(COUNTER.uninsured) },
    schooling: count(COUNTER.schooling),
    lengthOfResidence,
    coordinatorsRequired: Math.ceil(
      count(COUNTER.registeredInYear(previousYear)) / config.migrantsPerCoordinator,
    ),
    permitIssuance: issuanceView(counters, asOf, permits),
  };
}
