import {
  DERIVED_CONFIG_ENV,
  type DerivedOverrides,
  derivedConfig,
  type EligibilityOverrides,
  type LateReportDeadlineOverrides,
  type PermitOverrides,
} from '#domain/config.ts';

export { DEFAULT_DERIVED_CONFIG, type DerivedConfig, derivedConfig } from '#domain/config.ts';

function json(env: NodeJS.ProcessEnv, name: string): unknown {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`Environment variable ${name} must be JSON`);
  }
}

/** The derived services' configuration from the environment (domain/config.ts); throws at cold start when invalid. */
export function derivedConfigFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const perCoordinator = env[DERIVED_CONFIG_ENV.migrantsPerCoordinator];
  const overrides: DerivedOverrides = {};
  const eligibility = json(env, DERIVED_CONFIG_ENV.eligibility);
  const deadlines = json(env, DERIVED_CONFIG_ENV.lateReportDeadlineDays);
  const permits = json(env, DERIVED_CONFIG_ENV.permits);
  if (eligibility !== undefined) overrides.eligibility = eligibility as EligibilityOverrides;
  if (deadlines !== undefined) overrides.lateReportDeadlineDays = deadlines as LateReportDeadlineOverrides;
  if (perCoordinator) overrides.migrantsPerCoordinator = Number(perCoordinator);
  if (permits !== undefined) overrides.permits = permits as PermitOverrides;
  return derivedConfig(overrides);
}
