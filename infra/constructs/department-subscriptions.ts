import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import type { CompiledRule, Department } from '../../events/index.ts';
import type { ConsumerPrincipal } from '../config.ts';
import { DepartmentQueue } from './department-queue.ts';
import { QueueDelivery, VerbatimInputTransformer } from './queue-delivery.ts';

/** Everything one subscriber receives, and how its inbox is set up. */
export interface SubscriberRoute {
  /** `public-security`, `public-security@3301`, `smoke`. */
  readonly subscriber: string;
  /** Stem of its queue names and construct ids (`public-security-3301`). */
  readonly name: string;
  /** The department whose projection it receives; none for the smoke subscriber. */
  readonly department?: Department;
  /** Its rules as events/ compiles them (`compileSubscription`); each delivers to the subscriber's queue. */
  readonly rules: readonly CompiledRule[];
  /** @default - no consumer grant */
  readonly consumer?: ConsumerPrincipal;
  /** @default Duration.minutes(5) */
  readonly visibilityTimeout?: Duration;
}

export interface DepartmentSubscriptionsProps {
  /** The bus the rules listen to. */
  readonly eventBus: events.IEventBus;
  /** One route per subscriber. */
  readonly routes: readonly SubscriberRoute[];
  /** Prefix of queue names, e.g. `residence-data-hub-prod`. */
  readonly namePrefix: string;
  /**
   * Delivery retries before EventBridge moves an event to the department's dead-letter queue.
   * @default 185 (EventBridge's own default)
   */
  readonly deliveryRetryAttempts?: number;
  /**
   * Oldest event EventBridge still tries to deliver.
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Declarative fan-out (DESIGN.md §1, §3): per subscriber a queue, and per compiled rule an `events.Rule` on
 * the bus whose target applies the compiled input transformer verbatim. No code runs between bus and queue.
 */
export class DepartmentSubscriptions extends Construct {
  /** Subscriber id → its queue construct. */
  public readonly queues: ReadonlyMap<string, DepartmentQueue>;
  /** Rule name → rule. */
  public readonly rules: ReadonlyMap<string, events.Rule>;

  constructor(scope: Construct, id: string, props: DepartmentSubscriptionsProps) {
    super(scope, id);
    DepartmentSubscriptions.checkRoutes(props.routes);

    const queues = new Map<string, DepartmentQueue>();
    const rules = new Map<string, events.Rule>();
    for (const route of props.routes) {
      const inbox = new DepartmentQueue(this, route.name, {
        name: route.name,
        namePrefix: props.namePrefix,
        consumer: route.consumer,
        visibilityTimeout: route.visibilityTimeout,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
      const departmentRules = route.rules.map((compiled) => {
        const rule = new events.Rule(this, `Rule-${compiled.ruleName}`, {
          ruleName: compiled.ruleName,
          eventBus: props.eventBus,
          description: compiled.description,
          // The compiled pattern is already EventBridge JSON; the L2 copies its top-level fields unchanged.
          eventPattern: structuredClone(compiled.eventPattern) as events.EventPattern,
        });
        rule.addTarget(
          new QueueDelivery(inbox.queue, {
            input: new VerbatimInputTransformer(compiled.inputTransformer),
            deadLetterQueue: inbox.deadLetterQueue,
            retryAttempts: props.deliveryRetryAttempts ?? 185,
            maxEventAge: props.maxEventAge ?? Duration.hours(24),
          }),
        );
        rules.set(compiled.ruleName, rule);
        return rule;
      });
      inbox.allowDeliveryFrom(departmentRules.map((rule) => rule.ruleArn));
      queues.set(route.subscriber, inbox);
    }
    this.queues = queues;
    this.rules = rules;
  }

  /** The inbox of a routed subscriber. */
  public inboxOf(subscriber: string): DepartmentQueue {
    const inbox = this.queues.get(subscriber);
    if (inbox === undefined) throw new Error(`Subscriber "${subscriber}" is not routed`);
    return inbox;
  }

  /** Duplicate subscribers or rule names would silently overwrite each other; fail at synth instead. */
  private static checkRoutes(routes: readonly SubscriberRoute[]): void {
    const subscribers = new Set<string>();
    const ruleNames = new Set<string>();
    for (const route of routes) {
      const keys = new Set([route.subscriber, route.name]);
      for (const key of keys)
        if (subscribers.has(key)) throw new Error(`Subscriber "${key}" is routed twice`);
      for (const key of keys) subscribers.add(key);
      for (const { ruleName } of route.rules) {
        if (ruleNames.has(ruleName)) throw new Error(`Rule name "${ruleName}" is used twice`);
        ruleNames.add(ruleName);
      }
    }
  }
}
