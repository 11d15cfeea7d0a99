import { Duration } from 'aws-cdk-lib';
import { buildSubscriptions, compileSubscriptions, DEPARTMENTS, type Subscription } from '../events/index.ts';
import type { StageConfig } from './config.ts';
import type { DepartmentRoute } from './constructs/department-subscriptions.ts';

/**
 * The subscription catalogue of events/ with the stage's department overrides applied (a division
 * prefix filter narrows a department to an area). The overrides go in before compiling, so the rules
 * deployed are exactly what `compileSubscription` produces for these subscriptions.
 */
export function stageSubscriptions(config: StageConfig): Subscription[] {
  const filters = Object.fromEntries(
    DEPARTMENTS.flatMap((department) => {
      const prefixes = config.departments[department]?.divisionPrefixes;
      return prefixes === undefined ? [] : [[department, { divisionCodePrefix: prefixes }]];
    }),
  );
  return buildSubscriptions({ filters });
}

/** Per department: its compiled rules and its inbox settings. */
export function departmentRoutes(config: StageConfig): DepartmentRoute[] {
  const rules = compileSubscriptions(stageSubscriptions(config));
  return DEPARTMENTS.map((department) => {
    const settings = config.departments[department] ?? {};
    return {
      department,
      rules: rules.filter((rule) => rule.department === department),
      consumer: settings.consumer,
      ...(settings.visibilityTimeoutSeconds === undefined
        ? {}
        : { visibilityTimeout: Duration.seconds(settings.visibilityTimeoutSeconds) }),
    };
  });
}
