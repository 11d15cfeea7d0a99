import { Duration } from 'aws-cdk-lib';
import {
  buildSubscriptions,
  compileSmokeRule,
  compileSubscriptions,
  DEPARTMENTS,
  type Department,
  SMOKE_SUBSCRIBER,
  type Subscription,
  withSubscribers,
} from '../events/index.ts';
import type { DepartmentSettings, StageConfig } from './config.ts';
import type { SubscriberRoute } from './constructs/department-subscriptions.ts';

/**
 * The subscription catalogue of events/ with the stage's department overrides applied (a division
 * prefix filter narrows a department to an area), plus the stage's city and county subscribers. The overrides
 * go in before compiling, so the rules deployed are exactly what `compileSubscription` produces for these.
 */
export function stageSubscriptions(config: StageConfig): Subscription[] {
  const filters = Object.fromEntries(
    DEPARTMENTS.flatMap((department) => {
      const prefixes = config.departments[department]?.divisionPrefixes;
      return prefixes === undefined ? [] : [[department, { divisionCodePrefix: prefixes }]];
    }),
  );
  return withSubscribers(
    buildSubscriptions({ filters }),
    (config.subscribers ?? []).map((subscriber) => subscriber.id),
  );
}

/** A subscriber's deployment settings: its department's, or its entry in `subscribers`. */
export function subscriberSettings(config: StageConfig, subscriber: string): DepartmentSettings {
  return (
    config.departments[subscriber as Department] ??
    config.subscribers?.find((candidate) => candidate.id === subscriber) ??
    {}
  );
}

/** Per subscriber (the five departments, the configured offices, the smoke subscriber): rules and inbox. */
export function subscriberRoutes(config: StageConfig): SubscriberRoute[] {
  const subscriptions = stageSubscriptions(config);
  const rules = compileSubscriptions(subscriptions);
  return [
    ...subscriptions.map((subscription) => {
      const settings = subscriberSettings(config, subscription.subscriber);
      return {
        subscriber: subscription.subscriber,
        name: subscription.name,
        department: subscription.department,
        rules: rules.filter((rule) => rule.subscriber === subscription.subscriber),
        consumer: settings.consumer,
        ...(settings.visibilityTimeoutSeconds === undefined
          ? {}
          : { visibilityTimeout: Duration.seconds(settings.visibilityTimeoutSeconds) }),
      };
    }),
    { subscriber: SMOKE_SUBSCRIBER, name: SMOKE_SUBSCRIBER, rules: [compileSmokeRule()] },
  ];
}
