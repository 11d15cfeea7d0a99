// Points (积分): a person's score under a city's table, with a line of explanation per indicator.
import {
  addDays,
  type CalendarDate,
  covers,
  fullMonthsBetween,
  mergePeriods,
  minDate,
  type Period,
} from './dates.ts';
import { areaOf, residenceStints } from './eligibility.ts';
import { permitHolding } from './permit.ts';
import type { PointsIndicator, PointsTable } from './points-config.ts';
import type { PersonProfile } from './profile.ts';

export interface PointsLine {
  indicator: PointsIndicator;
  /** What was measured: years, months, the education level, or whether a home is owned. */
  value: number | string | boolean;
  points: number;
  cap: number;
  explanation: string;
}

export interface PointsScore {
  city: string;
  asOf: CalendarDate;
  /** True when the table is an example, not an official one. */
  example: boolean;
  total: number;
  breakdown: PointsLine[];
}

/** Cents of a point, so 0.5 × 7 never prints as 3.4999999. */
const round = (points: number): number => Math.round(points * 100) / 100;

const capped = (points: number, cap: number): number => round(Math.min(points, cap));

/**
 * Full months of a set of inclusive periods up to `asOf`, each merged period counted on its own: a closed
 * period [s, e] holds fullMonthsBetween(s, e + 1 day), an open one fullMonthsBetween(s, asOf).
 */
function fullMonthsOf(periods: readonly Period[], asOf: CalendarDate, graceDays: number): number {
  const started = periods.filter((p) => p.start <= asOf);
  return mergePeriods(started, graceDays).reduce((months, p) => {
    const until = p.end === undefined ? asOf : minDate(addDays(p.end, 1), asOf);
    return months + fullMonthsBetween(p.start, until);
  }, 0);
}

function residenceYears(profile: PersonProfile, asOf: CalendarDate, table: PointsTable): PointsLine {
  const rule = table.indicators.residenceYears;
  const periods = residenceStints(profile).filter(
    (s) => areaOf(s.divisionCode, table.residenceArea) === table.city,
  );
  const counted =
    rule.counting === 'cumulative'
      ? periods
      : mergePeriods(
          periods.filter((p) => p.start <= asOf),
          rule.continuityGraceDays,
        ).filter((p) => covers(p, asOf));
  const years = Math.floor(fullMonthsOf(counted, asOf, rule.continuityGraceDays) / 12);
  const points = capped(years * rule.pointsPerYear, rule.cap);
  return {
    indicator: 'residenceYears',
    value: years,
    points,
    cap: rule.cap,
    explanation: `${years} full year(s) of ${rule.counting} residence in ${table.city} × ${rule.pointsPerYear} = ${round(years * rule.pointsPerYear)}, cap ${rule.cap}`,
  };
}

function insuranceMonths(profile: PersonProfile, asOf: CalendarDate, table: PointsTable): PointsLine {
  const rule = table.indicators.insuranceMonths;
  const periods = profile.insurances
    .filter((i) => rule.insuranceTypes.some((t) => t === i.insuranceType))
    .filter((i) => !rule.inAreaOnly || areaOf(i.divisionCode, table.residenceArea) === table.city)
    .map((i): Period => ({ start: i.startedOn, end: i.stoppedOn }));
  // Periods that overlap (several insurance types at once) or follow each other count once.
  const months = fullMonthsOf(periods, asOf, 1);
  const points = capped(months * rule.pointsPerMonth, rule.cap);
  return {
    indicator: 'insuranceMonths',
    value: months,
    points,
    cap: rule.cap,
    explanation: `${months} full month(s) insured${rule.inAreaOnly ? ` in ${table.city}` : ''}, overlaps counted once × ${rule.pointsPerMonth} = ${round(months * rule.pointsPerMonth)}, cap ${rule.cap}`,
  };
}

function educationLevel(profile: PersonProfile, table: PointsTable): PointsLine {
  const rule = table.indicators.educationLevel;
  const level = profile.person.educationLevel;
  const byLevel: Readonly<Record<string, number>> = rule.pointsByLevel;
  const raw = level === undefined ? 0 : (byLevel[level] ?? 0);
  return {
    indicator: 'educationLevel',
    value: level ?? 'unknown',
    points: capped(raw, rule.cap),
    cap: rule.cap,
    explanation:
      level === undefined
        ? 'education level not reported: 0'
        : `education level ${level} = ${raw}, cap ${rule.cap}`,
  };
}

function homeOwnership(profile: PersonProfile, asOf: CalendarDate, table: PointsTable): PointsLine {
  const rule = table.indicators.homeOwnership;
  const home = residenceStints(profile).find(
    (s) =>
      covers(s, asOf) &&
      areaOf(s.divisionCode, table.residenceArea) === table.city &&
      rule.residenceTypes.some((t) => t === s.residenceType),
  );
  return {
    indicator: 'homeOwnership',
    value: home !== undefined,
    points: home === undefined ? 0 : capped(rule.points, rule.cap),
    cap: rule.cap,
    explanation:
      home === undefined
        ? `no current residence of type ${rule.residenceTypes.join('/')} in ${table.city}: 0`
        : `current residence of type ${home.residenceType} in ${table.city} = ${rule.points}, cap ${rule.cap}`,
  };
}

/** The permits issued in the table's area: a permit of another city earns nothing here. */
const permitsOfCity = (profile: PersonProfile, table: PointsTable) =>
  profile.permits.filter((p) => areaOf(p.issuingDivisionCode, table.residenceArea) === table.city);

function permitHeld(profile: PersonProfile, asOf: CalendarDate, table: PointsTable): PointsLine {
  const rule = table.indicators.permitHeld;
  const { held } = permitHolding(permitsOfCity(profile, table), asOf);
  return {
    indicator: 'permitHeld',
    value: held,
    points: held ? capped(rule.points, rule.cap) : 0,
    cap: rule.cap,
    explanation: held
      ? `a residence permit of ${table.city} in force = ${rule.points}, cap ${rule.cap}`
      : `no residence permit of ${table.city} in force: 0`,
  };
}

function permitYears(profile: PersonProfile, asOf: CalendarDate, table: PointsTable): PointsLine {
  const rule = table.indicators.permitYears;
  const { years, since } = permitHolding(permitsOfCity(profile, table), asOf);
  return {
    indicator: 'permitYears',
    value: years,
    points: capped(years * rule.pointsPerYear, rule.cap),
    cap: rule.cap,
    explanation:
      since === undefined
        ? 'no permit in force: 0 years held'
        : `${years} full year(s) holding the permit without a break since ${since} × ${rule.pointsPerYear} = ${round(years * rule.pointsPerYear)}, cap ${rule.cap}`,
  };
}

/** Scores the profile on `asOf` under `table`: each indicator capped, then the total (capped if configured). */
export function scorePoints(profile: PersonProfile, asOf: CalendarDate, table: PointsTable): PointsScore {
  const breakdown = [
    residenceYears(profile, asOf, table),
    insuranceMonths(profile, asOf, table),
    educationLevel(profile, table),
    homeOwnership(profile, asOf, table),
    permitHeld(profile, asOf, table),
    permitYears(profile, asOf, table),
  ];
  const sum = round(breakdown.reduce((total, line) => total + line.points, 0));
  return {
    city: table.city,
    asOf,
    example: table.example,
    total: table.totalCap === undefined ? sum : Math.min(sum, table.totalCap),
    breakdown,
  };
}
