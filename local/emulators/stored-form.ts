import type { AttributeValue } from 'aws-lambda';
import type { Item } from './stream-records.ts';

// dynalite stores an item as sent except that it rewrites numbers to their canonical form ("1.50" -> "1.5",
// "1e3" -> "1000") and drops or coerces malformed attribute values. An item that needs none of that is
// stored exactly as sent, so the stream tap can use the request's own item as the new image instead of
// reading it back.

/** A number exactly as big.js's toFixed(), which dynalite stores, prints it. */
const CANONICAL_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;

/** True when dynalite would store this item byte for byte as given. */
export function isStoredForm(item: unknown): item is Item {
  if (!isPlainObject(item)) return false;
  for (const name of Object.keys(item)) {
    if (name === '__proto__' || !isStoredValue(item[name])) return false;
  }
  return true;
}

function isStoredValue(value: unknown): value is AttributeValue {
  if (!isPlainObject(value)) return false;
  const types = Object.keys(value);
  if (types.length !== 1) return false;
  const type = types[0] as string;
  const member = value[type];
  switch (type) {
    case 'S':
    case 'B':
      return typeof member === 'string';
    case 'N':
      return isCanonicalNumber(member);
    case 'BOOL':
      return typeof member === 'boolean';
    case 'NULL':
      return member === true;
    case 'SS':
    case 'BS':
      return Array.isArray(member) && member.every((entry) => typeof entry === 'string');
    case 'NS':
      return Array.isArray(member) && member.every(isCanonicalNumber);
    case 'L':
      return Array.isArray(member) && member.every(isStoredValue);
    case 'M':
      return isStoredForm(member);
    default:
      return false;
  }
}

function isCanonicalNumber(value: unknown): boolean {
  return typeof value === 'string' && value !== '-0' && CANONICAL_NUMBER.test(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
