import { maskIdNumber, maskPhone } from '#schemas/errors.ts';

/** Keys whose `name` is a person's name (an employer's or a school's name is not personal data). */
const PEOPLE = new Set([
  'person',
  'tenant',
  'student',
  'owner',
  'landlord',
  'operator',
  'applicant',
  'holder',
]);
/** Numbers that identify a person as an ID number does (a permit's, a linked card's). */
const IDENTIFIERS = new Set(['idNumber', 'permitNumber', 'cardNumber']);
/** Keys whose `detail` is an address. */
const PLACES = new Set(['address', 'property']);

const maskName = (name: string): string => `${name.slice(0, 1)}${'*'.repeat(Math.max(0, name.length - 1))}`;

/**
 * A record or message as an operator may see it printed: ID, permit and card numbers, phones, people's names
 * and address details masked, everything else (ids, kinds, codes, dates) as it is. Never print a record without it.
 */
export function maskPersonalData(value: unknown, key = '', parent = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => maskPersonalData(item, key, parent));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskPersonalData(v, k, key)]));
  }
  if (typeof value !== 'string' || value === '') return value;
  if (IDENTIFIERS.has(key)) return maskIdNumber(value);
  if (key === 'phone') return maskPhone(value);
  if (key === 'name' && PEOPLE.has(parent)) return maskName(value);
  if (key === 'detail' && PLACES.has(parent)) return `${value.slice(0, 2)}${'*'.repeat(value.length - 2)}`;
  return value;
}
