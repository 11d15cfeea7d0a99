import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DERIVED_CONFIG,
  DERIVED_CONFIG_ENV,
  derivedConfig,
  derivedConfigEnvironment,
} from '#domain/config.ts';
import { DEFAULT_ELIGIBILITY_CONFIG } from '#domain/eligibility.ts';
import { derivedConfigFromEnv } from '#functions/runtime/derived-config.ts';

describe('derived services configuration', () => {
  it('defaults to six months, three days for every reporting duty, and 800 migrants per coordinator', () => {
    expect(derivedConfig()).toEqual(DEFAULT_DERIVED_CONFIG);
    expect(DEFAULT_DERIVED_CONFIG.eligibility.minimumResidenceMonths).toBe(6);
    expect(Object.values(DEFAULT_DERIVED_CONFIG.lateReport.deadlineDays)).toEqual([3, 3, 3, 3]);
    expect(DEFAULT_DERIVED_CONFIG.stats.migrantsPerCoordinator).toBe(800);
    expect(DEFAULT_DERIVED_CONFIG.pointsTables['3301']?.example).toBe(true);
    expect(DEFAULT_DERIVED_CONFIG.permits).toEqual({ issuanceDeadlineDays: 15, endorsementNoticeDays: 30 });
  });

  it('applies overrides over the defaults, part by part', () => {
    const config = derivedConfig({
      eligibility: { residenceArea: 'county' },
      lateReportDeadlineDays: { tenancy: 5 },
      migrantsPerCoordinator: 500,
      permits: { issuanceDeadlineDays: 10 },
    });

    expect(config.eligibility).toEqual({ ...DEFAULT_ELIGIBILITY_CONFIG, residenceArea: 'county' });
    expect(config.lateReport.deadlineDays).toMatchObject({ tenancy: 5, employment: 3 });
    expect(config.stats.migrantsPerCoordinator).toBe(500);
    expect(config.permits).toEqual({ issuanceDeadlineDays: 10, endorsementNoticeDays: 30 });
  });

  it('refuses unknown fields, kinds without a deadline and impossible values', () => {
    expect(() => derivedConfig({ eligibility: { minimumResidenceMonths: 0 } })).toThrow();
    expect(() => derivedConfig({ eligibility: { residenceArea: 'street' as never } })).toThrow();
    expect(() => derivedConfig({ lateReportDeadlineDays: { schooling: 3 } as never })).toThrow();
    expect(() => derivedConfig({ migrantsPerCoordinator: 0 })).toThrow();
    expect(() => derivedConfig({ permits: { issuanceDeadlineDays: 0 } })).toThrow();
    expect(() => derivedConfig({ permits: { endorsementDays: 30 } as never })).toThrow();
  });

  it('travels through the environment unchanged (infra writes it, the handlers read it)', () => {
    const overrides = {
      eligibility: { minimumResidenceMonths: 12 },
      lateReportDeadlineDays: { employment: 30 },
      permits: { endorsementNoticeDays: 45 },
    };

    const env = derivedConfigEnvironment(overrides);

    expect(Object.keys(env).sort()).toEqual([
      DERIVED_CONFIG_ENV.eligibility,
      DERIVED_CONFIG_ENV.lateReportDeadlineDays,
      DERIVED_CONFIG_ENV.permits,
    ]);
    expect(derivedConfigFromEnv(env)).toEqual(derivedConfig(overrides));
    expect(derivedConfigFromEnv({})).toEqual(DEFAULT_DERIVED_CONFIG);
    expect(() => derivedConfigFromEnv({ [DERIVED_CONFIG_ENV.eligibility]: '{not json' })).toThrow(/JSON/);
  });
});
