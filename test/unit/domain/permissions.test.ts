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
      department: [...RECORD_KINDS],
      resident: ['residence-registration', 'residence-departure', 'permit-application'],
      coordinator: ['residence-registration', 'residence-departure', 'permit-application'],
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

describe('the permit: who may apply, issue and link', () => {
  const application = record('permit-application');
  const applicationFacts = describeRecord('permit-application', application);
  const permit = record('residence-permit');
  const permitFacts = describeRecord('residence-permit', permit);
  const check = (caller: Caller, kind: RecordKind, r: CanonicalRecord) =>
    recordPermissionError(caller, kind, r, describeRecord(kind, r));

  it('lets a resident apply for their own permit only', () => {
    const own: Caller = { role: 'resident', idNumber: applicationFacts.personIdNumber ?? '' };
    const other: Caller = { role: 'resident', idNumber: '330106199003071236' };

    expect(recordPermissionError(own, 'permit-application', application, applicationFacts)).toBeUndefined();
    expect(recordPermissionError(other, 'permit-application', application, applicationFacts)).toMatchObject({
      path: 'data.applicant.idNumber',
      code: 'SUBJECT_MISMATCH',
    });
  });

  it('lets a coordinator apply for people living in its divisions only, a city covering its counties', () => {
    const inXihu = application; // address in 330106
    const inYinzhou = record('permit-application', {
      cityDivisionCode: '330200',
      address: { divisionCode: '330212', detail: '天童南路1号' },
    });
    const xihu: Caller = { role: 'coordinator', divisions: ['330106'] };
    const hangzhou: Caller = { role: 'coordinator', divisions: ['330100'] };
    const twoCounties: Caller = { role: 'coordinator', divisions: ['330105', '330212'] };

    expect(check(xihu, 'permit-application', inXihu)).toBeUndefined();
    expect(check(hangzhou, 'permit-application', inXihu)).toBeUndefined();
    expect(check(twoCounties, 'permit-application', inYinzhou)).toBeUndefined();
    for (const [caller, r] of [
      [xihu, inYinzhou],
      [twoCounties, inXihu],
      [{ role: 'coordinator' } as Caller, inXihu],
    ] as const) {
      expect(check(caller, 'permit-application', r)).toMatchObject({
        path: 'data.address.divisionCode',
        code: 'NOT_IN_DIVISIONS',
      });
    }
  });

  it('lets a coordinator register and deregister residents of its divisions, nothing else', () => {
    const xihu: Caller = { role: 'coordinator', divisions: ['330106'] };
    const elsewhere: Caller = { role: 'coordinator', divisions: ['330212'] };

    expect(check(xihu, 'residence-registration', record('residence-registration'))).toBeUndefined();
    expect(check(elsewhere, 'residence-departure', record('residence-departure'))).toMatchObject({
      path: 'data.divisionCode',
      code: 'NOT_IN_DIVISIONS',
    });
    expect(kindPermissionError(xihu, 'residence-permit')).toMatchObject({ code: 'FORBIDDEN_KIND' });
  });

  it('takes permits, and applications at the counter, from public security alone', () => {
    const police: Caller = { role: 'department', department: 'public-security' };
    for (const department of ['hrss', 'justice', undefined]) {
      const caller: Caller = { role: 'department', ...(department ? { department } : {}) };
      expect(recordPermissionError(caller, 'residence-permit', permit, permitFacts)).toMatchObject({
        path: 'kind',
        code: 'FORBIDDEN_DEPARTMENT',
      });
      expect(check(caller, 'permit-application', application)).toMatchObject({
        code: 'FORBIDDEN_DEPARTMENT',
      });
    }
    expect(recordPermissionError(police, 'residence-permit', permit, permitFacts)).toBeUndefined();
    expect(check(police, 'permit-application', application)).toBeUndefined();
    for (const role of ['resident', 'coordinator', 'landlord', 'employer'] as const) {
      expect(kindPermissionError({ role }, 'residence-permit')).toMatchObject({ code: 'FORBIDDEN_KIND' });
    }
  });

  it("takes a card link from the card's issuer alone", () => {
    const hrss: Caller = { role: 'department', department: 'hrss' };
    const police: Caller = { role: 'department', department: 'public-security' };

    for (const cardType of ['citizen-card', 'social-security-card']) {
      const link = record('card-link', { cardType });
      expect(check(hrss, 'card-link', link)).toBeUndefined();
      expect(check(police, 'card-link', link)).toMatchObject({
        path: 'data.cardType',
        code: 'FORBIDDEN_DEPARTMENT',
      });
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
