import { z } from 'zod';
import { CONTRACT_TYPES, RESIDENCE_TYPES } from '../schemas/values/enums.ts';
import { DEFAULT_ELIGIBILITY_CONFIG, type EligibilityConfig, type ResidenceArea } from './eligibility.ts';
import {
  DEFAULT_LATE_REPORT_CONFIG,
  LATE_REPORT_FACTS,
  type LateReportConfig,
  type LateReportKind,
} from './late-report.ts';
import { DEFAULT_PERMIT_CONFIG, type PermitConfig } from './permit.ts';
import { POINTS_TABLES, type PointsTable } from './points-config.ts';
import { DEFAULT_STATS_CONFIG, type StatsConfig } from './stats.ts';

/**
 * The configuration of the derived services, one object for the Lambda functions and the local hub. Each part
 * defaults to the domain's default (DOMAIN.md §2: six months, three days, a permit within 15 days; §1: 800∶1;
 * the endorsement notice 30 days before it lapses); a deployment overrides
 * parts in its stage (infra/config.ts `derived`), which reach the functions as these environment variables:
 * - ELIGIBILITY_CONFIG          JSON, any fields of EligibilityConfig, e.g. {"residenceArea":"county"}
 * - LATE_REPORT_DEADLINE_DAYS   JSON, days per kind, e.g. {"tenancy":5}
 * - MIGRANTS_PER_COORDINATOR    a positive integer
 * - PERMIT_CONFIG               JSON, any fields of PermitConfig, e.g. {"issuanceDeadlineDays":10}
 * Points tables are typed data in points-config.ts (the shipped Hangzhou table is an EXAMPLE).
 */
export interface DerivedConfig {
  eligibility: EligibilityConfig;
  lateReport: LateReportConfig;
  stats: StatsConfig;
  permits: PermitConfig;
  pointsTables: Readonly<Record<string, PointsTable>>;
}

export const DEFAULT_DERIVED_CONFIG: DerivedConfig = {
  eligibility: DEFAULT_ELIGIBILITY_CONFIG,
  lateReport: DEFAULT_LATE_REPORT_CONFIG,
  stats: DEFAULT_STATS_CONFIG,
  permits: DEFAULT_PERMIT_CONFIG,
  pointsTables: POINTS_TABLES,
};

const AREAS = ['province', 'city', 'county'] as const satisfies readonly ResidenceArea[];
const LATE_KINDS = Object.keys(LATE_REPORT_FACTS) as [LateReportKind, ...LateReportKind[]];

const eligibilityOverrides = z.strictObject({
  minimumResidenceMonths: z.int().min(1).max(120).optional(),
  residenceArea: z.enum(AREAS).optional(),
  continuityGraceDays: z.int().min(0).max(366).optional(),
  housingResidenceTypes: z.array(z.enum(RESIDENCE_TYPES)).optional(),
  employmentContractTypes: z.array(z.enum(CONTRACT_TYPES)).optional(),
  evidenceInResidenceArea: z.boolean().optional(),
  requireAwayFromHukou: z.boolean().optional(),
  plannedEndEnds: z.boolean().optional(),
});

const lateReportDeadlineOverrides = z.partialRecord(z.enum(LATE_KINDS), z.int().min(0).max(365));

export const permitOverrides = z.strictObject({
  issuanceDeadlineDays: z.int().min(1).max(365).optional(),
  endorsementNoticeDays: z.int().min(0).max(365).optional(),
});

export type EligibilityOverrides = z.infer<typeof eligibilityOverrides>;
export type PermitOverrides = z.infer<typeof permitOverrides>;
export type LateReportDeadlineOverrides = z.infer<typeof lateReportDeadlineOverrides>;

export interface DerivedOverrides {
  eligibility?: EligibilityOverrides;
  lateReportDeadlineDays?: LateReportDeadlineOverrides;
  migrantsPerCoordinator?: number;
  permits?: PermitOverrides;
}

/** The defaults with the given overrides applied (checked: a bad value throws, naming it). */
export function derivedConfig(overrides: DerivedOverrides = {}): DerivedConfig {
  const eligibility = eligibilityOverrides.parse(overrides.eligibility ?? {});
  const deadlines = lateReportDeadlineOverrides.parse(overrides.lateReportDeadlineDays ?? {});
  const perCoordinator = z
    .int()
    .min(1)
    .parse(overrides.migrantsPerCoordinator ?? DEFAULT_STATS_CONFIG.migrantsPerCoordinator);
  const permits = permitOverrides.parse(overrides.permits ?? {});
  return {
    eligibility: { ...DEFAULT_ELIGIBILITY_CONFIG, ...eligibility },
    lateReport: { deadlineDays: { ...DEFAULT_LATE_REPORT_CONFIG.deadlineDays, ...deadlines } },
    stats: { migrantsPerCoordinator: perCoordinator },
    permits: { ...DEFAULT_PERMIT_CONFIG, ...permits },
    pointsTables: POINTS_TABLES,
  };
}

/** The environment variables that carry overrides to the functions (infra sets them, handlers read them). */
export const DERIVED_CONFIG_ENV = {
  eligibility: 'ELIGIBILITY_CONFIG',
  lateReportDeadlineDays: 'LATE_REPORT_DEADLINE_DAYS',
  migrantsPerCoordinator: 'MIGRANTS_PER_COORDINATOR',
  permits: 'PERMIT_CONFIG',
} as const;

/** The environment for the given overrides (checked first, so a bad stage fails at synth, not at cold start). */
export function derivedConfigEnvironment(overrides: DerivedOverrides = {}): Record<string, string> {
  derivedConfig(overrides);
  return {
    ...(overrides.eligibility === undefined
      ? {}
      : { [DERIVED_CONFIG_ENV.eligibility]: JSON.stringify(overrides.eligibility) }),
    ...(overrides.lateReportDeadlineDays === undefined
      ? {}
      : { [DERIVED_CONFIG_ENV.lateReportDeadlineDays]: JSON.stringify(overrides.lateReportDeadlineDays) }),
    ...(overrides.migrantsPerCoordinator === undefined
      ? {}
      : { [DERIVED_CONFIG_ENV.migrantsPerCoordinator]: String(overrides.migrantsPerCoordinator) }),
    ...(overrides.permits === undefined
      ? {}
      : { [DERIVED_CONFIG_ENV.permits]: JSON.stringify(overrides.permits) }),
  };
}
