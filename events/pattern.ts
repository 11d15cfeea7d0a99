import { InvalidEventPatternError, UnsupportedPatternOperatorError } from './eventbridge-errors.ts';

/*
 * EventBridge event-pattern matching for exactly the patterns the hub writes: those compile.ts emits for the
 * department rules and the derive rule of events/derived.ts (DESIGN.md §3). As documented
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html,
 *  https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html):
 * - every field the pattern names must match (AND); the values listed for a field are alternatives (OR);
 *   fields the pattern does not name are ignored; nested pattern objects follow the event's nesting;
 * - an exact string matches that string; `{ "prefix": "33" }` a string that starts with it;
 *   `{ "exists": true }` any value of a field that is present (a leaf, not an object);
 *   `{ "anything-but": "x" }` any present leaf value other than the string "x", null and values of other types
 *   included, never an absent field (AWS-documented for anything-but; the hub writes it with one string, to
 *   leave the smoke test's records out of every department rule and the derive rule: smoke.ts);
 * - when the event's value is an array, the field matches if any element does.
 * Every other operator (suffix, wildcard, anything-but, numeric, equals-ignore-case, exists:false, cidr, $or,
 * …) and every non-string value is refused at rule creation, never silently "not matched".
 */

/** A pattern object; keys whose value is `undefined` are ignored, as JSON.stringify would drop them. */
export type EventPattern = { readonly [field: string]: EventPattern | readonly unknown[] | undefined };

export const SUPPORTED_OPERATORS = ['prefix', 'exists', 'anything-but'] as const;

type Condition = { exact: string } | { prefix: string } | { exists: true } | { anythingBut: string };
type Node = { fields: ReadonlyArray<readonly [string, Node]> } | { conditions: readonly Condition[] };

export interface CompiledPattern {
  readonly pattern: EventPattern;
  /** The event as a parsed JSON value. */
  matches(event: unknown): boolean;
}

/** Validates a pattern (object or JSON text) once; throws InvalidEventPatternError / UnsupportedPatternOperatorError. */
export function compilePattern(pattern: EventPattern | string): CompiledPattern {
  const parsed: unknown = typeof pattern === 'string' ? parseText(pattern) : pattern;
  if (!isObject(parsed) || Object.keys(parsed).length === 0) {
    throw new InvalidEventPatternError('the pattern must be a non-empty JSON object', '');
  }
  const root = objectNode(parsed, '');
  return { pattern: parsed as EventPattern, matches: (event) => matchNode(root, event) };
}

/** One-off match; compile once with `compilePattern` where it is reused. */
export function matchesPattern(pattern: EventPattern | string, event: unknown): boolean {
  return compilePattern(pattern).matches(event);
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidEventPatternError('the pattern is not valid JSON', '');
  }
}

function objectNode(pattern: Record<string, unknown>, at: string): Node {
  const fields: Array<readonly [string, Node]> = [];
  for (const [key, value] of Object.entries(pattern)) {
    if (value === undefined) continue;
    const path = at === '' ? key : `${at}.${key}`;
    if (key.startsWith('$')) throw new UnsupportedPatternOperatorError(key, path, SUPPORTED_OPERATORS);
    if (Array.isArray(value)) fields.push([key, { conditions: value.map((item) => condition(item, path)) }]);
    else if (isObject(value)) fields.push([key, objectNode(value, path)]);
    else throw new InvalidEventPatternError('a field must hold an array or an object', path);
  }
  if (fields.length === 0) throw new InvalidEventPatternError('an object must name a field', at);
  return { fields };
}

function condition(item: unknown, at: string): Condition {
  if (typeof item === 'string') return { exact: item };
  if (!isObject(item))
    throw new UnsupportedPatternOperatorError(`value ${JSON.stringify(item)}`, at, SUPPORTED_OPERATORS);
  const [operator, ...more] = Object.keys(item);
  if (operator === undefined || more.length > 0) {
    throw new InvalidEventPatternError('an operator object holds exactly one operator', at);
  }
  const argument = item[operator];
  if (operator === 'prefix' && typeof argument === 'string' && argument !== '') return { prefix: argument };
  if (operator === 'exists' && argument === true) return { exists: true };
  if (operator === 'anything-but' && typeof argument === 'string') return { anythingBut: argument };
  throw new UnsupportedPatternOperatorError(
    `${operator}: ${JSON.stringify(argument)}`,
    at,
    SUPPORTED_OPERATORS,
  );
}

function matchNode(node: Node, value: unknown): boolean {
  if ('fields' in node) {
    return (
      isObject(value) &&
      node.fields.every(([key, child]) => (Object.hasOwn(value, key) ? matchNode(child, value[key]) : false))
    );
  }
  const values = Array.isArray(value) ? value : [value];
  return node.conditions.some((wanted) => values.some((candidate) => matchLeaf(wanted, candidate)));
}

function matchLeaf(wanted: Condition, value: unknown): boolean {
  if ('exists' in wanted) return !isObject(value);
  if ('anythingBut' in wanted) return !isObject(value) && value !== wanted.anythingBut;
  if (typeof value !== 'string') return false;
  return 'exact' in wanted ? value === wanted.exact : value.startsWith(wanted.prefix);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
