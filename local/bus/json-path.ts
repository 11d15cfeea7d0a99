import { InputTransformerError } from './errors.ts';
import { isJsonObject, type JsonValue } from './json.ts';

/*
 * The JSON paths an input transformer may use: dot notation from `$`, with array indices
 * ("You must use JSON dot notation, not bracket notation", API_InputTransformer;
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html lists dot notation,
 * dashes, underscores, alphanumerics, array indices, wildcards and slashes). Wildcards are not implemented here
 * and are rejected loudly.
 */

export const MISSING = Symbol('missing');
export type PathStep = string | number;

const SEGMENT = /^[A-Za-z0-9_\-/@:$]+$/;

/** `$.detail.items[0].name` -> `['detail', 'items', 0, 'name']`. */
export function parseJsonPath(path: string): PathStep[] {
  if (path === '$') return [];
  if (!path.startsWith('$.')) throw new InputTransformerError(`JSON path "${path}" must start with "$."`);
  if (path.includes('*'))
    throw new InputTransformerError(`JSON path "${path}": wildcards are not supported locally`);
  const steps: PathStep[] = [];
  for (const part of path.slice(2).split('.')) {
    const match = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    const name = match?.[1];
    if (match === null || name === undefined || !SEGMENT.test(name)) {
      throw new InputTransformerError(`JSON path "${path}" is not dot notation`);
    }
    steps.push(name);
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) steps.push(Number(index[1]));
  }
  return steps;
}

/** The value at the path, or MISSING. */
export function readJsonPath(value: JsonValue, steps: readonly PathStep[]): JsonValue | typeof MISSING {
  let current: JsonValue = value;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(current) || step >= current.length) return MISSING;
      current = current[step] as JsonValue;
    } else {
      if (!isJsonObject(current) || !Object.hasOwn(current, step)) return MISSING;
      current = current[step] as JsonValue;
    }
  }
  return current;
}
