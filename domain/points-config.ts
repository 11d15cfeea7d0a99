// Points (积分) tables: the indicators, weights and caps of a city's quantified indicator system, as data.
import type { EducationLevel, InsuranceType, ResidenceType } from '../schemas/values/enums.ts';
import type { ResidenceArea } from './eligibility.ts';

export type PointsIndicator =
  | 'residenceYears'
  | 'insuranceMonths'
  | 'educationLevel'
  | 'homeOwnership'
  | 'permitHeld'
  | 'permitYears';

export interface PointsTable {
  /** The division prefix the table applies to (4 digits for a city, e.g. '3301'). */
  readonly city: string;
  /** Granularity of `city` (normally 'city'), also the area records must lie in to count. */
  readonly residenceArea: ResidenceArea;
  readonly name: string;
  /** True for a table made up to show the mechanism; never present such a score as an official one. */
  readonly example: boolean;
  /** A cap on the total, on top of each indicator's own cap (undefined: the sum of the indicators). */
  readonly totalCap?: number;
  readonly indicators: {
    /** Full years of registered residence in the area. */
    readonly residenceYears: {
      readonly pointsPerYear: number;
      readonly cap: number;
      /** `continuous`: only the residence that holds on the date; `cumulative`: all residence in the area. */
      readonly counting: 'continuous' | 'cumulative';
      /** Days allowed between a move-out and the next move-in for residence to stay continuous. */
      readonly continuityGraceDays: number;
    };
    /** Full months covered by any of the listed insurances; overlapping periods count once. */
    readonly insuranceMonths: {
      readonly pointsPerMonth: number;
      readonly cap: number;
      readonly insuranceTypes: readonly InsuranceType[];
      /** Count only insurance paid in the area. */
      readonly inAreaOnly: boolean;
    };
    /** The person's education level (from the latest residence registration). */
    readonly educationLevel: {
      readonly pointsByLevel: Readonly<Record<EducationLevel, number>>;
      readonly cap: number;
    };
    /** A current registered residence in the area of one of the listed types (own home). */
    readonly homeOwnership: {
      readonly points: number;
      readonly cap: number;
      readonly residenceTypes: readonly ResidenceType[];
    };
    /** A residence permit of the city in force on the day (issued, valid, endorsement not lapsed). */
    readonly permitHeld: {
      readonly points: number;
      readonly cap: number;
    };
    /** Full years the permit in force has been held without a break (domain/permit.ts permitHolding). */
    readonly permitYears: {
      readonly pointsPerYear: number;
      readonly cap: number;
    };
  };
}

/**
 * EXAMPLE ONLY — NOT AN OFFICIAL TABLE. A made-up points table for Hangzhou (`3301`) that shows how a city's
 * indicators, weights and caps are configured. Its numbers are invented for illustration and demos; they are
 * not Hangzhou's published points rules. A real deployment must replace it with the table the city adopts.
 */
export const HANGZHOU_EXAMPLE_POINTS_TABLE: PointsTable = {
  city: '3301',
  residenceArea: 'city',
  name: 'Hangzhou (EXAMPLE, not official)',
  example: true,
  indicators: {
    residenceYears: { pointsPerYear: 2, cap: 20, counting: 'cumulative', continuityGraceDays: 1 },
    insuranceMonths: {
      pointsPerMonth: 0.5,
      cap: 60,
      insuranceTypes: ['pension', 'medical', 'unemployment', 'work-injury', 'maternity'],
      inAreaOnly: true,
    },
    educationLevel: {
      pointsByLevel: {
        none: 0,
        primary: 0,
        'junior-secondary': 5,
        'senior-secondary': 10,
        vocational: 15,
        associate: 20,
        bachelor: 30,
        master: 40,
        doctorate: 50,
      },
      cap: 50,
    },
    homeOwnership: { points: 20, cap: 20, residenceTypes: ['owned'] },
    permitHeld: { points: 10, cap: 10 },
    permitYears: { pointsPerYear: 3, cap: 15 },
  },
};

/** The shipped tables by division prefix (only the example one). */
export const POINTS_TABLES: Readonly<Record<string, PointsTable>> = {
  [HANGZHOU_EXAMPLE_POINTS_TABLE.city]: HANGZHOU_EXAMPLE_POINTS_TABLE,
};

/** The table for a division code (tries county, city, province prefixes), if one is configured. */
export function pointsTableFor(
  divisionCode: string,
  tables: Readonly<Record<string, PointsTable>> = POINTS_TABLES,
): PointsTable | undefined {
  for (const length of [6, 4, 2]) {
    const table = tables[divisionCode.slice(0, length)];
    if (table !== undefined) return table;
  }
  return undefined;
}
