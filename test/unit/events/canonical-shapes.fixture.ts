import type { EventKind } from '../../../events/index.ts';

/**
 * Every leaf field of each kind's canonical record, as listed in contracts.md ("Canonical types").
 * A stand-in until schemas/ exposes the shapes; replace it with the kinds' own field lists then.
 */
export const CANONICAL_LEAF_PATHS: { readonly [K in EventKind]: readonly string[] } = {
  'residence-registration': [
    'person.idNumber',
    'person.name',
    'person.gender',
    'person.birthDate',
    'person.ethnicity',
    'person.phone',
    'person.hukouDivisionCode',
    'person.educationLevel',
    'address.divisionCode',
    'address.detail',
    'residenceType',
    'reason',
    'movedInOn',
    'movedOutOn',
  ],
  'residence-departure': [
    'person.idNumber',
    'person.name',
    'person.phone',
    'divisionCode',
    'movedOutOn',
    'destinationDivisionCode',
  ],
  'rental-property': [
    'owner.name',
    'owner.idNumber',
    'owner.creditCode',
    'owner.phone',
    'address.divisionCode',
    'address.detail',
    'areaSqm',
    'rooms',
    'certificateNo',
  ],
  tenancy: [
    'tenant.idNumber',
    'tenant.name',
    'tenant.phone',
    'landlord.name',
    'landlord.idNumber',
    'landlord.creditCode',
    'landlord.phone',
    'property.divisionCode',
    'property.detail',
    'startsOn',
    'endsOn',
    'endedOn',
    'monthlyRentYuan',
  ],
  employment: [
    'person.idNumber',
    'person.name',
    'person.phone',
    'employer.creditCode',
    'employer.name',
    'employer.divisionCode',
    'contractType',
    'startsOn',
    'endsOn',
    'endedOn',
    'occupation',
  ],
  'social-insurance': [
    'person.idNumber',
    'person.name',
    'person.phone',
    'insuranceType',
    'divisionCode',
    'employer.creditCode',
    'employer.name',
    'startedOn',
    'stoppedOn',
  ],
  schooling: [
    'student.idNumber',
    'student.name',
    'student.phone',
    'student.gender',
    'student.birthDate',
    'school.name',
    'school.creditCode',
    'school.divisionCode',
    'stage',
    'grade',
    'enrolledOn',
    'leftOn',
  ],
  'business-license': [
    'creditCode',
    'name',
    'operator.idNumber',
    'operator.name',
    'operator.phone',
    'address.divisionCode',
    'address.detail',
    'registeredOn',
    'revokedOn',
  ],
};

/** The leaf paths of a value (`{ a: { b: 1 } }` -> `['a.b']`). */
export function leafPathsOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) =>
    leafPathsOf(child, prefix === '' ? key : `${prefix}.${key}`),
  );
}
