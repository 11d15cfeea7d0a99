import { SOURCE } from './catalogue.ts';
import { type CompiledRule, compileSmokeRule, compileSubscription } from './compile.ts';
import { compileInputTransformer } from './input-transformer.ts';
import { type CompiledPattern, compilePattern } from './pattern.ts';
import { SMOKE_SUBSCRIBER } from './smoke.ts';
import { subscriberSubscription } from './subscriptions.ts';

/*
 * What one subscriber's rules do to one event, as EventBridge does it: the operator command projects records
 * for a backfill and re-projects dead-lettered events with these, the local bus with the same compiled
 * patterns and transformers, so a subscriber's queue gets the same message on every path.
 */

/** The rules of a subscriber id (`public-security`, `public-security@3301`, `smoke`). */
export function subscriberRules(subscriber: string): CompiledRule[] {
  return subscriber === SMOKE_SUBSCRIBER
    ? [compileSmokeRule()]
    : compileSubscription(subscriberSubscription(subscriber));
}

/** The event envelope EventBridge builds around a detail, as far as rules and transformers read it. */
export interface RoutedEvent {
  'detail-type': string;
  source: string;
  detail: unknown;
  /** Set on a replayed event. */
  'replay-name'?: string;
  [field: string]: unknown;
}

/** An event from a change event's detail-type and detail (a backfill's, read from the store). */
export const routedEvent = (detailType: string, detail: unknown, replayName?: string): RoutedEvent => ({
  version: '0',
  'detail-type': detailType,
  source: SOURCE,
  detail,
  ...(replayName === undefined ? {} : { 'replay-name': replayName }),
});

const compiled = new WeakMap<
  CompiledRule,
  { pattern: CompiledPattern; transform: ReturnType<typeof compileInputTransformer> }
>();

function compiledOf(rule: CompiledRule) {
  let found = compiled.get(rule);
  if (found === undefined) {
    found = {
      pattern: compilePattern(rule.eventPattern),
      transform: compileInputTransformer(rule.inputTransformer),
    };
    compiled.set(rule, found);
  }
  return found;
}

/** The message the first matching rule puts on the subscriber's queue, or undefined when none matches. */
export function projectFor(rules: readonly CompiledRule[], event: RoutedEvent): string | undefined {
  for (const rule of rules) {
    const { pattern, transform } = compiledOf(rule);
    if (pattern.matches(event)) return transform(event);
  }
  return undefined;
}
