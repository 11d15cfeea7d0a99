import { describe, expect, it } from 'vitest';
import type { ProvenanceEntry } from '#domain/permissions.ts';
import {
  type Caller,
  kindPermissionError,
  propertyOwnershipError,
  propertyToCheck,
  recordPermissionError,
  SUBMITTER_ROLES,
  type SubmitterRole,
} from '#domain/permissions.ts';
import { recordIdOf } from '#domain/record-id.ts';
import { type CanonicalRecord, describeRecord, RECORD_KINDS, type RecordKind } from '#schemas/index.ts';
import { loadRecordFixture, normalised, useFixedClock } from '../schemas/kinds/helpers.ts';

useFixedClock();

const record = <K extends RecordKind>(kind: K, changes: Record<string, unknown> = {}) =>
  normalised(kind, { ...loadRecordFixture(kind).canonical, ...changes }) as CanonicalRecord;

/** The kinds a role may submit at all. */
const allowedKinds = (role: SubmitterRole) =>
  RECORD_KINDS.filter((kind) => kindPermissionError({ role }, kind) === undefined);

describe('the permissions table', () => {
  it('gives each role exactly the kinds the README lists', () => {
    expect(Object.fromEntries(SUBMITTER_ROLES.map((role) => [role, allowedKinds(role)]))).toEqual({
      landlord: ['residence-registration', 'residence-departure', 'rental-property', 'tenancy'],
      'property-manager': ['residence-registration', 'residence-departure', 'rental-property', 'tenancy'],
      agency: ['residence-registration', 'rental-property', 'tenancy'],
      employer: ['residence-registration', 'employment', 'social-insurance'],
      school: ['residence-registration', 'schooling'],
      department: RECORD_KINDS.slice(0, 8),
      resident: ['residence-registration', 'residence-departure'],
    });
  });

  it('rejects a forbidden kind at the path "kind", and leaves an unknown kind to KIND_UNKNOWN', () => {
    expect(kindPermissionError({ role: 'landlord' }, 'employment')).toMatchObject({
      path: 'kind',
      code: 'FORBIDDEN_KIND',
    });
    expect(kindPermissionError({ role: 'landlord' }, 'spaceship')).toBeUndefined();
  });

  it('lets an employer or a school register residents of a collective dormitory only', () => {
    const facts = (r: CanonicalRecord) => describeRecord('residence-registration', r);
    const dormitory = record('residence-registration', { residenceType: '单位集体宿舍' });
    const rented = record('residence-registration', { residenceType: 'rented' });

    for (const role of ['employer', 'school'] as const) {
      expect(recordPermissionError({ role }, 'residence-registration', dormitory, facts(dormitory))).toBe(
        undefined,
      );
      expect(recordPermissionError({ role }, 'residence-registration', rented, facts(rented))).toMatchObject({
        path: 'data.residenceType',
        code: 'FORBIDDEN_KIND',
      });
    }
  });

  it("lets a resident submit only records whose subject is the token's ID number", () => {
    const registration = record('residence-registration');
    const facts = describeRecord('residence-registration', registration);
    const own: Caller = { role: 'resident', idNumber: facts.personIdNumber ?? '' };
    const someoneElse: Caller = { role: 'resident', idNumber: '330106199003071236' };
    const noIdNumber: Caller = { role: 'resident' };

    expect(recordPermissionError(own, 'residence-registration', registration, facts)).toBeUndefined();
    for (const caller of [someoneElse, noIdNumber]) {
      const error = recordPermissionError(caller, 'residence-registration', registration, facts);
      expect(error).toMatchObject({ path: 'data.person.idNumber', code: 'SUBJECT_MISMATCH' });
      expect(error?.message).not.toContain(facts.personIdNumber);
    }
  });
});

describe('property ownership', () => {
  const property = record('rental-property');
  // The id the hub gives the rental-property record itself: its natural key is the address.
  const propertyId = recordIdOf('rental-property', describeRecord('rental-property', property).naturalKey);
  const reportedBy = (...reporters: [string, SubmitterRole][]) => ({
    provenance: reporters.map(
      ([submitterId, role]): ProvenanceEntry => ({
        submitterId,
        role,
        sourceIdCount: 0,
        firstReportedAt: '2024-01-01T00:00:00Z',
        lastReportedAt: '2024-01-01T00:00:00Z',
      }),
    ),
  });

  it("points a landlord's property, tenancy and registration at the same rental-property record", () => {
    const landlord: Caller = { role: 'landlord' };
    expect(propertyToCheck(landlord, 'rental-property', property)).toEqual({
      recordId: propertyId,
      path: 'data.address',
    });
    expect(propertyToCheck(landlord, 'tenancy', record('tenancy'))).toEqual({
      recordId: propertyId,
      path: 'data.property',
    });
    expect(propertyToCheck(landlord, 'residence-registration', record('residence-registration'))).toEqual({
      recordId: propertyId,
      path: 'data.address',
    });
  });

  it('checks no property for roles that act for many owners', () => {
    for (const role of ['property-manager', 'agency', 'department'] as const) {
      expect(propertyToCheck({ role }, 'tenancy', record('tenancy'))).toBeUndefined();
    }
  });

  it('refuses only a landlord reporting at a property another landlord registered', () => {
    const ref = { recordId: propertyId, path: 'data.property' };

    expect(propertyOwnershipError('landlord-b', ref, undefined)).toBeUndefined();
    expect(propertyOwnershipError('landlord-b', ref, reportedBy(['police', 'department']))).toBeUndefined();
    expect(propertyOwnershipError('landlord-a', ref, reportedBy(['landlord-a', 'landlord']))).toBeUndefined();
    expect(propertyOwnershipError('landlord-b', ref, reportedBy(['landlord-a', 'landlord']))).toMatchObject({
      path: 'data.property',
      code: 'PROPERTY_NOT_OWNED',
    });
  });
});
