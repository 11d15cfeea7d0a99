import { type DetailType, detailTypesOfKind, parseDetailType, SOURCE } from './catalogue.ts';
import type { EventKind } from './kinds.ts';
import { NOT_SMOKE, SMOKE_FIELDS, SMOKE_KIND, SMOKE_SUBMITTER_ID, SMOKE_SUBSCRIBER } from './smoke.ts';
import { type DetailPath, ENVELOPE_FIELDS, type Subscription } from './subscriptions.ts';

/*
 * Compiles a subscription into EventBridge rules: one rule per record kind, because kinds differ in
 * shape and an input transformer has a single template.
 *
 * Event pattern (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html):
 * we emit only exact string values (an array = OR), `prefix` and `anything-but` (one string: every department
 * rule leaves out the smoke test's submitter, smoke.ts); fields of the pattern are ANDed.
 *
 * Input transformer (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html,
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html) — what we rely on:
 * - InputPathsMap holds at most 100 variables, each a JSON path in dot notation (`$.detail.record.person.name`);
 *   keys must not start with "AWS." and `aws.events.*` names are reserved. InputTemplate is at most 8192 chars.
 * - In a template that is a JSON object, a placeholder used UNQUOTED as a value is replaced by the value's JSON
 *   form: a string arrives quoted (`"instance": <instance>` -> `"instance": "i-0123456789"`), a number or
 *   boolean as itself, an object or array as JSON. A placeholder inside quotes is pasted as raw text and
 *   EventBridge does NOT escape it ("EventBridge doesn't escape values extracted by Input Path"), so a value
 *   containing `"` or `\` would break the JSON. Hence: only unquoted placeholders, only as values, never keys.
 * - A path missing from the event creates no variable ("that variable isn't created and won't appear in the
 *   output"); for an unquoted placeholder EventBridge then writes an empty string: AWS-recorded parity snapshot
 *   `"command": <command>` -> `"command": ""` (localstack tests/aws/services/events/test_events_inputs.snapshot.json,
 *   test_put_events_with_input_transformer_input_template_json). So an absent optional field reaches the
 *   department as `""`, and the message stays valid JSON.
 * - The JSON passed to the target is minified; we emit the template minified already.
 * - Reserved variables (`<aws.events.event.json>` = the whole event incl. detail, `<aws.events.event>` = the
 *   event without detail, `<aws.events.rule-name>`, `<aws.events.rule-arn>`, `<aws.events.event.ingestion-time>`)
 *   are deliberately unused: they would forward the whole detail and defeat the projection.
 */

/** The exact-value and prefix subset of the EventBridge pattern language that compile emits. */
// Type aliases, not interfaces: they must stay assignable to index-signature types (CDK, the local bus).
export type CompiledEventPattern = {
  source: [typeof SOURCE];
  'detail-type': DetailType[];
  detail: {
    divisionCode?: Array<{ prefix: string }>;
    submittedBy: { submitterId: Array<string | { 'anything-but': string }> };
  };
};

export type CompiledInputTransformer = {
  inputPathsMap: Record<string, string>;
  inputTemplate: string;
};

export interface CompiledRule {
  ruleName: string;
  /** The subscriber whose queue the rule delivers to (`public-security`, `public-security@3301`, `smoke`). */
  subscriber: string;
  /** The department whose projection it applies; none for the smoke subscriber. */
  department?: Subscription['department'];
  kind: EventKind;
  description: string;
  eventPattern: CompiledEventPattern;
  inputTransformer: CompiledInputTransformer;
}

export const MAX_INPUT_PATHS = 100;
export const MAX_INPUT_TEMPLATE_LENGTH = 8192;
const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const PATH_SEGMENT = /^[A-Za-z][A-Za-z0-9]*$/;
/** The detail-type travels in the message as `type`, taken from the event envelope. */
const TYPE_VARIABLE = 'detailType';
/**
 * A replayed event carries `replay-name` in its envelope (EventBridge archive replay; the local hub's replay
 * alike): it travels as `replay`, so a consumer can tell a replay from a live delivery. Live: `""`.
 */
const REPLAY_VARIABLE = 'replayName';
export const REPLAY_FIELD = 'replay';

export class SubscriptionCompileError extends Error {
  override name = 'SubscriptionCompileError';
}

/** One rule per kind of the subscription, in the order of its event types. */
export function compileSubscription(subscription: Subscription): CompiledRule[] {
  const typesByKind = groupEventTypes(subscription);
  for (const kind of Object.keys(subscription.fields) as EventKind[]) {
    if (!typesByKind.has(kind)) {
      throw new SubscriptionCompileError(
        `subscription ${subscription.name}: fields for ${kind} but no event type of it`,
      );
    }
  }
  return [...typesByKind].map(([kind, detailTypes]) => {
    const paths = subscription.fields[kind];
    if (paths === undefined || paths.length === 0) {
      throw new SubscriptionCompileError(
        `subscription ${subscription.name}: event types of ${kind} but no fields`,
      );
    }
    const ruleName = `${subscription.name}-${kind}`;
    if (!RULE_NAME.test(ruleName)) {
      throw new SubscriptionCompileError(`rule name "${ruleName}" must be 1-64 of [.-_A-Za-z0-9]`);
    }
    return {
      ruleName,
      subscriber: subscription.subscriber,
      department: subscription.department,
      kind,
      description: `${subscription.department}: ${kind} (${detailTypes.join(', ')})`,
      eventPattern: eventPatternOf(subscription, detailTypes),
      inputTransformer: inputTransformerOf(ruleName, paths),
    };
  });
}

/** All rules of a catalogue; rule names must be unique across it. */
export function compileSubscriptions(subscriptions: readonly Subscription[]): CompiledRule[] {
  const rules = subscriptions.flatMap(compileSubscription);
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.ruleName)) throw new SubscriptionCompileError(`duplicate rule name ${rule.ruleName}`);
    seen.add(rule.ruleName);
  }
  return rules;
}

function groupEventTypes(subscription: Subscription): Map<EventKind, DetailType[]> {
  const byKind = new Map<EventKind, DetailType[]>();
  if (subscription.eventTypes.length === 0) {
    throw new SubscriptionCompileError(`subscription ${subscription.name} has no event types`);
  }
  for (const detailType of subscription.eventTypes) {
    const parsed = parseDetailType(detailType);
    if (parsed === undefined) {
      throw new SubscriptionCompileError(
        `subscription ${subscription.name}: unknown event type ${detailType}`,
      );
    }
    const types = byKind.get(parsed.kind) ?? [];
    if (types.includes(detailType)) {
      throw new SubscriptionCompileError(`subscription ${subscription.name}: ${detailType} listed twice`);
    }
    byKind.set(parsed.kind, [...types, detailType]);
  }
  return byKind;
}

function eventPatternOf(subscription: Subscription, detailTypes: DetailType[]): CompiledEventPattern {
  const prefixes = subscription.filter?.divisionCodePrefix;
  return {
    source: [SOURCE],
    'detail-type': [...detailTypes],
    detail: {
      ...(prefixes === undefined ? {} : { divisionCode: prefixes.map((prefix) => ({ prefix })) }),
      submittedBy: { submitterId: [...NOT_SMOKE.submittedBy.submitterId] },
    },
  };
}

/** The smoke subscriber's one rule: smoke records only (smoke.ts), the envelope only. */
export function compileSmokeRule(): CompiledRule {
  const ruleName = `${SMOKE_SUBSCRIBER}-${SMOKE_KIND}`;
  return {
    ruleName,
    subscriber: SMOKE_SUBSCRIBER,
    kind: SMOKE_KIND,
    description: `smoke test records (${SMOKE_SUBMITTER_ID}) only`,
    eventPattern: {
      source: [SOURCE],
      'detail-type': detailTypesOfKind(SMOKE_KIND),
      detail: { submittedBy: { submitterId: [SMOKE_SUBMITTER_ID] } },
    },
    inputTransformer: inputTransformerOf(ruleName, SMOKE_FIELDS),
  };
}

/** A tree of the projected paths: leaves are the variable names that fill them. */
type TemplateTree = Map<string, TemplateTree | string>;

function inputTransformerOf(ruleName: string, paths: readonly DetailPath[]): CompiledInputTransformer {
  const inputPathsMap: Record<string, string> = {
    [TYPE_VARIABLE]: '$.detail-type',
    [REPLAY_VARIABLE]: '$.replay-name',
  };
  const tree: TemplateTree = new Map();
  for (const path of paths) {
    const segments = checkPath(ruleName, path);
    const variable = segments.join('_');
    if (variable in inputPathsMap)
      throw new SubscriptionCompileError(`rule ${ruleName}: ${path} projected twice`);
    inputPathsMap[variable] = `$.detail.${path}`;
    insert(ruleName, tree, segments, variable);
  }
  // `type` sits right after `id`, as consumers read the message top down.
  const top: TemplateTree = new Map();
  for (const [key, value] of tree) {
    top.set(key, value);
    if (key === 'id') top.set('type', TYPE_VARIABLE);
  }
  if (!top.has('type')) top.set('type', TYPE_VARIABLE);
  top.set(REPLAY_FIELD, REPLAY_VARIABLE);

  const inputTemplate = render(top);
  if (Object.keys(inputPathsMap).length > MAX_INPUT_PATHS) {
    throw new SubscriptionCompileError(`rule ${ruleName}: more than ${MAX_INPUT_PATHS} projected fields`);
  }
  if (inputTemplate.length > MAX_INPUT_TEMPLATE_LENGTH) {
    throw new SubscriptionCompileError(
      `rule ${ruleName}: input template over ${MAX_INPUT_TEMPLATE_LENGTH} chars`,
    );
  }
  return { inputPathsMap, inputTemplate };
}

function checkPath(ruleName: string, path: string): string[] {
  const segments = path.split('.');
  const envelope = (ENVELOPE_FIELDS as readonly string[]).includes(path);
  const recordField = segments[0] === 'record' && segments.length > 1;
  if (!envelope && !recordField) {
    throw new SubscriptionCompileError(
      `rule ${ruleName}: "${path}" is neither an envelope field nor record.<field>`,
    );
  }
  if (!segments.every((segment) => PATH_SEGMENT.test(segment))) {
    throw new SubscriptionCompileError(`rule ${ruleName}: "${path}" must be dotted camelCase names`);
  }
  return segments;
}

function insert(ruleName: string, tree: TemplateTree, segments: string[], variable: string): void {
  const [head, ...rest] = segments as [string, ...string[]];
  const existing = tree.get(head);
  if (rest.length === 0) {
    if (existing !== undefined) {
      throw new SubscriptionCompileError(`rule ${ruleName}: ${variable} overlaps another projected path`);
    }
    tree.set(head, variable);
    return;
  }
  if (typeof existing === 'string') {
    throw new SubscriptionCompileError(`rule ${ruleName}: ${variable} lies inside the projected ${existing}`);
  }
  const child: TemplateTree = existing ?? new Map();
  tree.set(head, child);
  insert(ruleName, child, rest, variable);
}

/** Minified JSON with unquoted placeholders as values, e.g. `{"id":<id>,"record":{"name":<record_name>}}`. */
function render(tree: TemplateTree): string {
  const members = [...tree].map(
    ([key, value]) => `${JSON.stringify(key)}:${typeof value === 'string' ? `<${value}>` : render(value)}`,
  );
  return `{${members.join(',')}}`;
}
