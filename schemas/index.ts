// The canonical model's single entry point: the record kinds, normaliseRecord and describeRecord.
import { errorMessage, type FieldError, toFieldErrors } from './errors.ts';
import { type BusinessLicense, businessLicense } from './kinds/business-license.ts';
import { type CardLink, cardLink } from './kinds/card-link.ts';
import type { RecordFacts } from './kinds/common/kind.ts';
import { type Employment, employment } from './kinds/employment.ts';
import { type PermitApplication, permitApplication } from './kinds/permit-application.ts';
import { type RentalProperty, rentalProperty } from './kinds/rental-property.ts';
import { type ResidenceDeparture, residenceDeparture } from './kinds/residence-departure.ts';
import { type ResidencePermit, residencePermit } from './kinds/residence-permit.ts';
import { type ResidenceRegistration, residenceRegistration } from './kinds/residence-registration.ts';
import { type Schooling, schooling } from './kinds/schooling.ts';
import { type SocialInsurance, socialInsurance } from './kinds/social-insurance.ts';
import { type Tenancy, tenancy } from './kinds/tenancy.ts';

export type { ErrorCode, FieldError } from './errors.ts';
export type { BusinessLicense } from './kinds/business-license.ts';
export type { CardLink } from './kinds/card-link.ts';
export type { RecordFacts } from './kinds/common/kind.ts';
export type { Employment } from './kinds/employment.ts';
export type { PermitApplication } from './kinds/permit-application.ts';
export type { RentalProperty } from './kinds/rental-property.ts';
export type { ResidenceDeparture } from './kinds/residence-departure.ts';
export type { ResidencePermit } from './kinds/residence-permit.ts';
export type { ResidenceRegistration } from './kinds/residence-registration.ts';
export type { Schooling } from './kinds/schooling.ts';
export type { SocialInsurance } from './kinds/social-insurance.ts';
export type { Tenancy } from './kinds/tenancy.ts';

export const RECORD_KINDS = [
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
] as const;

export type RecordKind = (typeof RECORD_KINDS)[number];

/** The canonical record type of each kind. */
export interface CanonicalRecords {
  'residence-registration': ResidenceRegistration;
  'residence-departure': ResidenceDeparture;
  'rental-property': RentalProperty;
  tenancy: Tenancy;
  employment: Employment;
  'social-insurance': SocialInsurance;
  schooling: Schooling;
  'business-license': BusinessLicense;
  'permit-application': PermitApplication;
  'residence-permit': ResidencePermit;
  'card-link': CardLink;
}

export type CanonicalRecord<K extends RecordKind = RecordKind> = CanonicalRecords[K];

/**
 * The canonical record, or ALL the record's errors. For a union of kinds the success case is a union too,
 * so checking `result.kind` narrows `result.record`.
 */
export type NormaliseResult<K extends RecordKind = RecordKind> =
  | { [P in K]: { ok: true; kind: P; record: CanonicalRecord<P> } }[K]
  | { ok: false; errors: FieldError[] };

/** The definitions behind the kinds (schema, labels, facts), by kind. */
export const RECORD_KIND_DEFINITIONS = {
  'residence-registration': residenceRegistration,
  'residence-departure': residenceDeparture,
  'rental-property': rentalProperty,
  tenancy,
  employment,
  'social-insurance': socialInsurance,
  schooling,
  'business-license': businessLicense,
  'permit-application': permitApplication,
  'residence-permit': residencePermit,
  'card-link': cardLink,
} as const satisfies Record<RecordKind, { kind: RecordKind }>;

// A Map, so that 'constructor' or '__proto__' are unknown kinds rather than Object.prototype members.
const DEFINITIONS = new Map<string, (typeof RECORD_KIND_DEFINITIONS)[RecordKind]>(
  Object.entries(RECORD_KIND_DEFINITIONS),
);

export const isRecordKind = (kind: string): kind is RecordKind => DEFINITIONS.has(kind);

/**
 * Normalises one submitted record of `kind`: canonical field names (Chinese labels accepted), canonical
 * values, cross-field rules. Unknown kind: KIND_UNKNOWN at path 'kind'. Paths of errors are relative to data.
 */
export function normaliseRecord<K extends RecordKind>(kind: K, data: unknown): NormaliseResult<K>;
export function normaliseRecord(kind: string, data: unknown): NormaliseResult;
export function normaliseRecord(kind: string, data: unknown): NormaliseResult {
  const definition = DEFINITIONS.get(kind);
  if (definition === undefined) {
    return {
      ok: false,
      errors: [{ path: 'kind', code: 'KIND_UNKNOWN', message: errorMessage('KIND_UNKNOWN') }],
    };
  }
  const result = definition.schema.safeParse(data);
  if (!result.success) return { ok: false, errors: toFieldErrors(result.error) };
  return { ok: true, kind: definition.kind, record: result.data } as NormaliseResult;
}

/** The natural key parts (without the person), subject person, division and end date of a canonical record. */
export function describeRecord<K extends RecordKind>(kind: K, record: CanonicalRecord<K>): RecordFacts;
export function describeRecord(kind: RecordKind, record: CanonicalRecord): RecordFacts;
export function describeRecord(kind: RecordKind, record: CanonicalRecord): RecordFacts {
  const definition = DEFINITIONS.get(kind);
  if (definition === undefined) throw new RangeError(`describeRecord: unknown record kind '${String(kind)}'`);
  // The definition of `kind` takes the record of `kind`; TypeScript cannot correlate the two through the map.
  return (definition.facts as (record: CanonicalRecord) => RecordFacts)(record);
}
