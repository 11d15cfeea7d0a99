import { InvalidArgumentError } from 'commander';
import { EVENT_KINDS } from '#events/index.ts';

/** Commander parsers for option values: a bad value is a usage error (exit 2) naming the option. */
export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError('must be a positive whole number');
  }
  return number;
}

/** YYYY-MM-DD or an ISO 8601 time, as a Date. */
export function time(value: string): Date {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new InvalidArgumentError('must be a date (YYYY-MM-DD) or an ISO 8601 time');
  }
  return date;
}

/** A comma-separated list of record kinds. */
export function kindList(value: string): string[] {
  const kinds = value.split(',').map((kind) => kind.trim());
  const unknown = kinds.filter((kind) => !(EVENT_KINDS as readonly string[]).includes(kind));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown kind ${unknown.join(', ')}`);
  return kinds;
}
