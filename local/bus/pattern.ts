import { EventPatternError, InvalidEventPatternError, UnsupportedPatternOperatorError } from './errors.ts';
import {
  isJsonNumber,
  isJsonObject,
  type JsonNumber,
  type JsonValue,
  numberText,
  numberValue,
  parseJson,
} from './json.ts';

/*
 * EventBridge event-pattern matching, as documented
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html,
 *  https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html,
 *  https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html,
 *  https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html)
 * and as AWS's matching engine documents it (https://github.com/aws/event-ruler, README):
 * - Every field named in the pattern must match (AND); the values listed for a field are alternatives (OR);
 *   fields the pattern does not name are ignored. Nested pattern objects follow the event's nesting.
 * - Values match by JSON rules: strings character by character, numbers by their text (300 ≠ 300.0 ≠ 3.0e2),
 *   true/false/null only themselves; "" and null are different.
 * - Only leaves match. When the event value is an array, the field matches if any element does (the
 *   intersection is non-empty); arrays of objects are "crushed": a nested pattern matches if one element
 *   object matches it as a whole (array-consistent matching, event-ruler's rulesForJSONEvent).
 * - prefix / suffix / equals-ignore-case / wildcard match strings only. numeric matches JSON numbers only.
 * - anything-but matches any present value other than those listed, including null and values of another
 *   type (AWS-validated: anything-but "initializing" matches null; anything-but {prefix} matches 12); it never
 *   matches an absent field.
 * - exists works on leaves: a field whose value is an object (or an empty array) does not "exist"; a pattern
 *   path through a missing or non-object parent is absent, so exists:false matches it.
 * - $or: [ {…}, {…}, … ] (two or more objects) ORs whole sub-patterns.
 * Not implemented (rejected loudly at compile time): cidr, and any operator not listed in SUPPORTED_OPERATORS.
 */

/** A pattern object; keys whose value is `undefined` are ignored, as JSON.stringify would drop them. */
export type EventPattern = { readonly [field: string]: EventPattern | readonly unknown[] | undefined };

export const SUPPORTED_OPERATORS = [
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
] as const;

type NumericOperator = '<' | '<=' | '=' | '>' | '>=';
type Leaf = string | boolean | null | number | JsonNumber;

type Condition =
  | { type: 'equals'; value: string | boolean | null }
  | { type: 'equals-number'; text: string }
  | { type: 'string-test'; test: (value: string) => boolean }
  | { type: 'anything-but-values'; strings: ReadonlySet<string>; numbers: readonly number[] }
  | { type: 'anything-but-test'; test: (value: string) => boolean }
  | { type: 'numeric'; bounds: ReadonlyArray<readonly [NumericOperator, number]> }
  | { type: 'exists'; value: boolean };

interface ObjectNode {
  kind: 'object';
  fields: ReadonlyArray<readonly [string, Node]>;
  /** Each entry is one `$or`: the object matches only if one alternative of every `$or` matches. */
  alternatives: ReadonlyArray<readonly ObjectNode[]>;
}
interface LeafNode {
  kind: 'leaf';
  conditions: readonly Condition[];
}
type Node = ObjectNode | LeafNode;

export interface CompiledPattern {
  readonly pattern: EventPattern;
  /** The event as a JSON string (numbers keep their text) or as a parsed value. */
  matches(event: unknown): boolean;
}

/** Validates a pattern (object or JSON text) once; throws InvalidEventPatternError / UnsupportedPatternOperatorError. */
export function compilePattern(pattern: EventPattern | string): CompiledPattern {
  let parsed: JsonValue;
  try {
    parsed = typeof pattern === 'string' ? parseJson(pattern) : (pattern as unknown as JsonValue);
  } catch {
    throw new InvalidEventPatternError('Filter is not valid JSON', '');
  }
  if (!isJsonObject(parsed)) throw new InvalidEventPatternError('Filter is not an object', '');
  const root = compileObject(parsed, '');
  return {
    pattern: parsed as unknown as EventPattern,
    matches(event: unknown): boolean {
      let value: unknown;
      try {
        value = typeof event === 'string' ? parseJson(event) : event;
      } catch {
        return false;
      }
      return isJsonObject(value) && matchObject(root, value);
    },
  };
}

/** Whether `event` matches `pattern` under EventBridge's rules. Compile once with `compilePattern` in hot paths. */
export function matchesPattern(pattern: EventPattern | string, event: unknown): boolean {
  return compilePattern(pattern).matches(event);
}

// ---------------------------------------------------------------- compiling

function compileObject(pattern: { [key: string]: JsonValue }, at: string): ObjectNode {
  const entries = Object.entries(pattern).filter(([, value]) => value !== undefined);
  if (entries.length === 0)
    throw new InvalidEventPatternError('an empty object matches everything', at || 'root');
  const fields: Array<readonly [string, Node]> = [];
  const alternatives: ObjectNode[][] = [];
  for (const [key, value] of entries) {
    const path = at === '' ? key : `${at}.${key}`;
    if (key === '$or') {
      alternatives.push(compileOr(value, path));
    } else if (Array.isArray(value)) {
      fields.push([key, compileLeaf(value, path)]);
    } else if (isJsonObject(value)) {
      fields.push([key, compileObject(value, path)]);
    } else {
      throw new InvalidEventPatternError(`"${key}" must be an object or an array`, path);
    }
  }
  return { kind: 'object', fields, alternatives };
}

function compileOr(value: JsonValue, at: string): ObjectNode[] {
  if (!Array.isArray(value) || value.length < 2 || !value.every(isJsonObject)) {
    throw new InvalidEventPatternError('$or must be an array of two or more objects', at);
  }
  return value.map((alternative, index) => compileObject(alternative, `${at}[${index}]`));
}

function compileLeaf(values: JsonValue[], at: string): LeafNode {
  if (values.length === 0) throw new InvalidEventPatternError('Empty arrays are not allowed', at);
  return {
    kind: 'leaf',
    conditions: values.map((value, index) => compileCondition(value, `${at}[${index}]`)),
  };
}

function compileCondition(value: JsonValue, at: string): Condition {
  if (value === null || typeof value === 'string' || typeof value === 'boolean')
    return { type: 'equals', value };
  if (isJsonNumber(value)) return { type: 'equals-number', text: numberText(value) };
  if (Array.isArray(value)) {
    throw new InvalidEventPatternError('Match value must be String, number, true, false, or null', at);
  }
  const keys = Object.keys(value);
  if (keys.length !== 1) throw new InvalidEventPatternError('Only one key allowed in match expression', at);
  const operator = keys[0] as string;
  const operand = value[operator] as JsonValue;
  switch (operator) {
    case 'prefix':
      return stringTest(operand, at, operator, (value, expected) => value.startsWith(expected));
    case 'suffix':
      return stringTest(operand, at, operator, (value, expected) => value.endsWith(expected));
    case 'equals-ignore-case':
      return { type: 'string-test', test: equalsIgnoreCase(requireString(operand, at, operator)) };
    case 'wildcard':
      return { type: 'string-test', test: wildcard(requireString(operand, at, operator), at) };
    case 'anything-but':
      return anythingBut(operand, at);
    case 'numeric':
      return { type: 'numeric', bounds: numericBounds(operand, at) };
    case 'exists':
      if (typeof operand !== 'boolean') {
        throw new InvalidEventPatternError('exists match pattern must be either true or false.', at);
      }
      return { type: 'exists', value: operand };
    default:
      throw new UnsupportedPatternOperatorError(operator, at, SUPPORTED_OPERATORS);
  }
}

function requireString(operand: JsonValue, at: string, operator: string): string {
  if (typeof operand !== 'string')
    throw new InvalidEventPatternError(`${operator} match pattern must be a string`, at);
  return operand;
}

/** prefix/suffix take a string, or `{ "equals-ignore-case": string }`. */
function stringTest(
  operand: JsonValue,
  at: string,
  operator: string,
  compare: (value: string, expected: string) => boolean,
): Condition {
  if (isJsonObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') {
      throw new InvalidEventPatternError(
        `${operator} takes a string or { "equals-ignore-case": string }`,
        at,
      );
    }
    const expected = lower(requireString(operand['equals-ignore-case'] as JsonValue, at, operator));
    return { type: 'string-test', test: (value) => compare(lower(value), expected) };
  }
  const expected = requireString(operand, at, operator);
  return { type: 'string-test', test: (value) => compare(value, expected) };
}

function lower(value: string): string {
  return value.toLowerCase();
}

function equalsIgnoreCase(expected: string): (value: string) => boolean {
  const folded = lower(expected);
  return (value) => lower(value) === folded;
}

/** `*` matches any run of characters (none included); `\*` is a literal star, `\\` a literal backslash. */
function wildcard(expression: string, at: string): (value: string) => boolean {
  let source = '';
  let previousStar = false;
  for (let i = 0; i < expression.length; i++) {
    const char = expression[i] as string;
    if (char === '*') {
      if (previousStar) throw new InvalidEventPatternError(`Consecutive wildcard characters at pos ${i}`, at);
      source += '.*';
      previousStar = true;
      continue;
    }
    previousStar = false;
    if (char === '\\') {
      const next = expression[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new InvalidEventPatternError('a backslash may escape only "*" or "\\" in a wildcard', at);
      }
      source += `\\${next}`;
      i++;
      continue;
    }
    source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const regex = new RegExp(`^${source}$`, 's');
  return (value) => regex.test(value);
}

function anythingBut(operand: JsonValue, at: string): Condition {
  if (typeof operand === 'string')
    return { type: 'anything-but-values', strings: new Set([operand]), numbers: [] };
  if (isJsonNumber(operand))
    return { type: 'anything-but-values', strings: new Set(), numbers: [numberValue(operand)] };
  if (Array.isArray(operand)) {
    if (operand.length > 0 && operand.every((item) => typeof item === 'string')) {
      return { type: 'anything-but-values', strings: new Set(operand as string[]), numbers: [] };
    }
    if (operand.length > 0 && operand.every(isJsonNumber)) {
      return {
        type: 'anything-but-values',
        strings: new Set(),
        numbers: operand.map((item) => numberValue(item as number | JsonNumber)),
      };
    }
    throw new InvalidEventPatternError(
      'anything-but list must be all strings or all numbers, and not empty',
      at,
    );
  }
  if (isJsonObject(operand)) {
    const keys = Object.keys(operand);
    const inner = keys[0];
    if (keys.length !== 1 || inner === undefined) {
      throw new InvalidEventPatternError('anything-but takes one inner operator', at);
    }
    const tests = innerValues(operand[inner] as JsonValue, at, inner).map((expected) =>
      anythingButTest(inner, expected, at),
    );
    return { type: 'anything-but-test', test: (value) => tests.some((test) => test(value)) };
  }
  throw new InvalidEventPatternError(
    'Value of anything-but must be an array or single string/number value.',
    at,
  );
}

function innerValues(operand: JsonValue, at: string, inner: string): string[] {
  const values = Array.isArray(operand) ? operand : [operand];
  if (values.length === 0 || !values.every((value) => typeof value === 'string' && value !== '')) {
    throw new InvalidEventPatternError(`anything-but/${inner} takes a non-empty string or list of them`, at);
  }
  return values as string[];
}

function anythingButTest(inner: string, expected: string, at: string): (value: string) => boolean {
  switch (inner) {
    case 'prefix':
      return (value) => value.startsWith(expected);
    case 'suffix':
      return (value) => value.endsWith(expected);
    case 'equals-ignore-case':
      return equalsIgnoreCase(expected);
    case 'wildcard':
      return wildcard(expected, at);
    default:
      throw new InvalidEventPatternError(`Unsupported anything-but pattern: ${inner}`, at);
  }
}

const LOWER_BOUNDS = new Set(['>', '>=']);
const UPPER_BOUNDS = new Set(['<', '<=']);

/** `["=", x]`, `["<"|"<="|">"|">=", x]`, or a range `[">"|">=", low, "<"|"<=", high]` with low < high. */
function numericBounds(operand: JsonValue, at: string): Array<readonly [NumericOperator, number]> {
  if (!Array.isArray(operand)) throw new InvalidEventPatternError('Value of numeric must be an array.', at);
  const [firstOp, first, secondOp, second, ...rest] = operand;
  const bound = (
    op: JsonValue | undefined,
    value: JsonValue | undefined,
  ): readonly [NumericOperator, number] => {
    if (typeof op !== 'string' || !['<', '<=', '=', '>', '>='].includes(op)) {
      throw new InvalidEventPatternError(`Unrecognized numeric range operator: ${String(op)}`, at);
    }
    if (!isJsonNumber(value)) throw new InvalidEventPatternError(`Value of ${op} must be numeric`, at);
    return [op as NumericOperator, numberValue(value)];
  };
  const lowOrOnly = bound(firstOp, first);
  if (secondOp === undefined) return [lowOrOnly];
  const high = bound(secondOp, second);
  if (!LOWER_BOUNDS.has(lowOrOnly[0]) || !UPPER_BOUNDS.has(high[0]) || rest.length > 0) {
    throw new InvalidEventPatternError('a numeric range is [">"|">=", low, "<"|"<=", high]', at);
  }
  if (high[1] <= lowOrOnly[1]) throw new InvalidEventPatternError('Bottom must be less than top', at);
  return [lowOrOnly, high];
}

// ---------------------------------------------------------------- matching

const ABSENT = Symbol('absent');
type Found = JsonValue | typeof ABSENT;

function matchObject(node: ObjectNode, value: Found): boolean {
  if (Array.isArray(value)) {
    const objects = flatten(value).filter(isJsonObject);
    if (objects.length === 0) return matchFields(node, undefined);
    return objects.some((object) => matchFields(node, object));
  }
  return matchFields(node, isJsonObject(value) ? value : undefined);
}

function matchFields(node: ObjectNode, object: { [key: string]: JsonValue } | undefined): boolean {
  for (const [key, child] of node.fields) {
    const value: Found =
      object !== undefined && Object.hasOwn(object, key) ? (object[key] as JsonValue) : ABSENT;
    const matched = child.kind === 'object' ? matchObject(child, value) : matchLeaf(child, value);
    if (!matched) return false;
  }
  return node.alternatives.every((alternatives) =>
    alternatives.some((alternative) => matchFields(alternative, object)),
  );
}

function flatten(values: JsonValue[]): JsonValue[] {
  return values.flatMap((value) => (Array.isArray(value) ? flatten(value) : [value]));
}

function leavesOf(value: Found): Leaf[] {
  if (value === ABSENT) return [];
  const values = Array.isArray(value) ? flatten(value) : [value];
  return values.filter((item): item is Leaf => !Array.isArray(item) && !isJsonObject(item));
}

function matchLeaf(node: LeafNode, value: Found): boolean {
  const leaves = leavesOf(value);
  return node.conditions.some((condition) =>
    condition.type === 'exists'
      ? condition.value === leaves.length > 0
      : leaves.some((leaf) => matchCondition(condition, leaf)),
  );
}

function matchCondition(condition: Exclude<Condition, { type: 'exists' }>, leaf: Leaf): boolean {
  switch (condition.type) {
    case 'equals':
      return leaf === condition.value;
    case 'equals-number':
      return isJsonNumber(leaf) && numberText(leaf) === condition.text;
    case 'string-test':
      return typeof leaf === 'string' && condition.test(leaf);
    case 'anything-but-values':
      if (typeof leaf === 'string') return !condition.strings.has(leaf);
      if (isJsonNumber(leaf)) return !condition.numbers.includes(numberValue(leaf));
      return true;
    case 'anything-but-test':
      return typeof leaf !== 'string' || !condition.test(leaf);
    case 'numeric':
      return (
        isJsonNumber(leaf) && condition.bounds.every(([op, bound]) => compare(numberValue(leaf), op, bound))
      );
    default:
      throw new EventPatternError(`unhandled condition ${(condition as { type: string }).type}`);
  }
}

function compare(value: number, op: NumericOperator, bound: number): boolean {
  switch (op) {
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '=':
      return value === bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
  }
}
