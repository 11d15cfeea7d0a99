import { describe, expect, it } from 'vitest';
import { configProblems, isChinaRegion, STAGES, type StageConfig, stageConfig } from '../../infra/config.ts';

const valid: StageConfig = STAGES.dev;

describe('stageConfig', () => {
  it('returns the shipped stages, which are valid', () => {
    expect(stageConfig('dev')).toBe(STAGES.dev);
    expect(stageConfig('prod')).toBe(STAGES.prod);
  });

  it('names the known stages when asked for an unknown one', () => {
    expect(() => stageConfig('staging')).toThrow(/Unknown stage "staging".*dev, prod/);
    expect(() => stageConfig('toString')).toThrow(/Unknown stage/);
  });

  it('deploys production to a China region, where X-Ray is off and submitters use JWTs', () => {
    expect(isChinaRegion(STAGES.prod.region)).toBe(true);
    expect(STAGES.prod.tracing).toBe(false);
    expect(STAGES.prod.deletionProtection).toBe(true);
    expect(STAGES.prod.pitr).toBe(true);
    expect(STAGES.prod.ingestAuth.type).toBe('jwt');
  });
});

describe('configProblems', () => {
  it('finds nothing wrong with a valid stage', () => {
    expect(configProblems(valid)).toEqual([]);
  });

  it('rejects X-Ray tracing in a China region', () => {
    // Prepare
    const config: StageConfig = { ...valid, region: 'cn-north-1', tracing: true };

    // Act
    const problems = configProblems(config);

    // Assess
    expect(problems).toEqual([
      expect.stringMatching(/^tracing: X-Ray is not integrated with Lambda in cn-north-1/),
    ]);
  });

  it('reports every problem at once', () => {
    const config: StageConfig = {
      ...valid,
      stage: 'Dev Stage',
      logRetentionDays: 10,
      ingestAuth: { type: 'jwt', issuer: 'http://issuer.example', audience: [] },
      ingest: { ...valid.ingest, rateLimit: 100, burstLimit: 10, timeoutSeconds: 60 },
      personKeySecretParameter: 'person-key-secret',
      departments: { housing: { divisionPrefixes: ['330', '3301'] } },
    };

    expect(configProblems(config)).toEqual([
      expect.stringMatching(/^stage "Dev Stage"/),
      expect.stringMatching(/^logRetentionDays 10/),
      'ingestAuth.issuer must be an https URL',
      'ingestAuth.audience must name at least one audience',
      'ingest.burstLimit must be >= rateLimit',
      expect.stringMatching(/^ingest.timeoutSeconds must be <= 29/),
      expect.stringMatching(/^personKeySecretParameter must be a full parameter name/),
      'departments.housing.divisionPrefixes: "330" is not 2, 4 or 6 digits',
    ]);
  });
});
