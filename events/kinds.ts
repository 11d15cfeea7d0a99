import type { RecordKind } from '../schemas/index.ts';

/**
 * The record kinds that produce change events. The canonical list lives in `schemas/index.ts`
 * (`RECORD_KINDS`); events/ keeps its own runtime copy so the catalogue stays importable on its own,
 * and the type check below fails the build the moment the two lists drift apart.
 */
export const EVENT_KINDS = [
  'residence-registration',
  'residence-departure',
  'rental-property',
  'tenancy',
  'employment',
  'social-insurance',
  'schooling',
  'business-license',
  'permit-application',
  'residence-permit',
  'card-link',
] as const satisfies readonly RecordKind[];

export type EventKind = (typeof EVENT_KINDS)[number];

// Both directions, so a kind added to schemas/ without an event catalogue entry breaks the build.
type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const kindsMatchSchemas: MutuallyAssignable<EventKind, RecordKind> = true;
void kindsMatchSchemas;

/** `'residence-registration'` -> `'ResidenceRegistration'`, at the type level. */
export type PascalCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Capitalize<Head>}${PascalCase<Tail>}`
  : Capitalize<S>;

/** `'residence-registration'` -> `'ResidenceRegistration'`. */
export function pascalKind<K extends EventKind>(kind: K): PascalCase<K> {
  return kind
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('') as PascalCase<K>;
}

export function isEventKind(value: unknown): value is EventKind {
  return typeof value === 'string' && (EVENT_KINDS as readonly string[]).includes(value);
}
