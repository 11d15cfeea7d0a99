import { describe, expect, it } from 'vitest';
import { departmentLookupView, profileFieldsFor, returnedFields } from '#domain/department-view.ts';
import { evaluateEligibility } from '#domain/eligibility.ts';
import { DEFAULT_PERMIT_CONFIG, verifyPermits } from '#domain/permit.ts';
import { scorePoints } from '#domain/points.ts';
import { HANGZHOU_EXAMPLE_POINTS_TABLE } from '#domain/points-config.ts';
import type { Department } from '../../../events/index.ts';
import {
  application,
  cardLink,
  emptyProfile,
  insurance,
  job,
  lease,
  licence,
  permit,
  residence,
  school,
} from './builders.ts';

const ID_NUMBER = '341222199003071237';

// Someone with a record of every kind, so each department's cut is visible in full.
const profile = emptyProfile({
  person: {
    name: '张伟',
    gender: 'male',
    birthDate: '1990-03-07',
    ethnicity: '01',
    phone: '13800138000',
    hukouDivisionCode: '341222',
    educationLevel: 'bachelor',
  },
  residences: [residence('rr', '330106', '2024-03-01', { reason: 'work' })],
  tenancies: [lease('lease', '2024-03-01', { endsOn: '2026-02-28' })],
  employments: [job('emp', '2024-03-04', { endsOn: '2027-03-03' })],
  insurances: [insurance('ins', 'pension', '2024-04-01')],
  schooling: [school('sch', '2024-09-01')],
  businessLicenses: [licence('lic', '2024-05-01')],
  departures: [{ recordId: 'dep', divisionCode: '330105', movedOutOn: '2024-02-28' }],
  applications: [application('app', '2024-09-02', { claims: ['employment', 'housing'] })],
  permits: [permit('pmt', '2024-09-10', '2026-09-09', { applicationId: 'app' })],
  cardLinks: [cardLink('card', '2024-09-20', { cardType: 'social-security-card' })],
});
const asOf = '2025-09-01';
const subject = {
  idNumber: ID_NUMBER,
  profile,
  eligibility: evaluateEligibility(profile, asOf),
  points: scorePoints(profile, asOf, HANGZHOU_EXAMPLE_POINTS_TABLE),
  permit: verifyPermits(profile.permits, asOf, DEFAULT_PERMIT_CONFIG),
};

const viewOf = (department: Department) => departmentLookupView(subject, department);
const personKeys = (department: Department) =>
  Object.keys(viewOf(department).profile.person as object).sort();
const listKeys = (department: Department) =>
  Object.keys(viewOf(department).profile)
    .filter((k) => k !== 'person')
    .sort();
const fieldsOf = (department: Department, list: string) =>
  Object.keys(((viewOf(department).profile[list] as object[]) ?? [])[0] ?? {}).sort();

describe('department look-up views, derived from the subscriptions', () => {
  it('public-security: identifies people (ID number, ethnicity, hukou), residences, leases, licences, permits; no jobs', () => {
    expect(personKeys('public-security')).toEqual(
      ['birthDate', 'ethnicity', 'gender', 'hukouDivisionCode', 'idNumber', 'name', 'phone'].sort(),
    );
    expect(listKeys('public-security')).toEqual([
      'applications',
      'businessLicenses',
      'cardLinks',
      'departures',
      'permits',
      'residences',
      'tenancies',
    ]);
    expect(fieldsOf('public-security', 'permits')).toEqual(
      ['applicationId', 'endorsedUntil', 'issuedOn', 'issuingDivisionCode', 'recordId', 'status'].sort(),
    );
    expect(fieldsOf('public-security', 'residences')).toEqual(
      ['detail', 'divisionCode', 'movedInOn', 'reason', 'recordId', 'residenceType'].sort(),
    );
    expect(viewOf('public-security').profile.person).toMatchObject({ idNumber: ID_NUMBER });
  });

  it('housing: the tenant and the lease only', () => {
    expect(personKeys('housing')).toEqual(['idNumber', 'name', 'phone']);
    expect(listKeys('housing')).toEqual(['tenancies']);
    expect(fieldsOf('housing', 'tenancies')).toEqual([
      'detail',
      'divisionCode',
      'endsOn',
      'recordId',
      'startsOn',
    ]);
  });

  it('hrss: employment with employer details, insurance, licences, and where the worker lives by county only', () => {
    expect(personKeys('hrss')).toEqual(['idNumber', 'name', 'phone']);
    expect(listKeys('hrss')).toEqual([
      'businessLicenses',
      'cardLinks',
      'employments',
      'insurances',
      'permits',
      'residences',
    ]);
    expect(fieldsOf('hrss', 'permits')).toEqual(
      ['endorsedUntil', 'issuedOn', 'issuingDivisionCode', 'recordId', 'status'].sort(),
    );
    expect(fieldsOf('hrss', 'employments')).toEqual(
      [
        'contractType',
        'divisionCode',
        'employerCreditCode',
        'employerName',
        'endsOn',
        'recordId',
        'startsOn',
      ].sort(),
    );
    expect(fieldsOf('hrss', 'residences')).toEqual(['divisionCode', 'movedInOn', 'recordId']);
  });

  it('education: the student and the family’s address; no phone, no jobs', () => {
    expect(personKeys('education')).toEqual(['birthDate', 'gender', 'idNumber', 'name']);
    expect(listKeys('education')).toEqual(['residences', 'schooling']);
    expect(fieldsOf('education', 'residences')).toEqual(
      ['detail', 'divisionCode', 'movedInOn', 'recordId', 'residenceType'].sort(),
    );
  });

  it('health: contact and address, never the ID number, never employer details', () => {
    const view = viewOf('health');

    expect(personKeys('health')).toEqual(['birthDate', 'gender', 'name', 'phone']);
    expect(listKeys('health')).toEqual(['departures', 'permits', 'residences']);
    expect(fieldsOf('health', 'residences')).toEqual(['detail', 'divisionCode', 'recordId']);
    expect(JSON.stringify(view)).not.toContain(ID_NUMBER);
    expect(JSON.stringify(view)).not.toContain('91330106MA2711111A');
    expect(JSON.stringify(view)).not.toContain('杭州某某科技有限公司');
  });

  it('shows every department each condition’s met flag, but evidence only of records it receives', () => {
    const health = viewOf('health').eligibility;
    const hrss = viewOf('hrss').eligibility;

    expect(health).toMatchObject({ asOf, eligible: true, eligibleFrom: '2024-09-01' });
    expect(health.conditions.employment).toEqual({ met: true, evidence: [] });
    expect(hrss.conditions.employment).toEqual({ met: true, evidence: ['emp', 'lic'] });
    // Health does not see move-in dates, so neither the months nor the start of the residence.
    expect(health.conditions.residence6Months).toEqual({ met: true, requiredMonths: 6, evidence: ['rr'] });
    expect(viewOf('education').eligibility.conditions.residence6Months).toMatchObject({
      since: '2024-03-01',
      monthsResided: 18,
    });
    expect(viewOf('public-security').eligibility.conditions.awayFromHukou).toEqual({
      met: true,
      hukouDivisionCode: '341222',
    });
    expect(health.conditions.awayFromHukou).toEqual({ met: true });
  });

  it('shows points to all, the measured values only where the department sees the input', () => {
    const health = viewOf('health').points;
    const hrss = viewOf('hrss').points;

    expect(health?.total).toBe(subject.points.total);
    expect(health?.breakdown.find((l) => l.indicator === 'educationLevel')).toEqual({
      indicator: 'educationLevel',
      points: 30,
      cap: 50,
    });
    expect(hrss?.breakdown.find((l) => l.indicator === 'insuranceMonths')).toMatchObject({ value: 17 });
    expect(health?.breakdown.find((l) => l.indicator === 'insuranceMonths')).not.toHaveProperty('value');
  });

  it.each(['justice', 'culture-sports'] as const)(
    '%s: the permit’s validity and city, nobody’s name or number',
    (department) => {
      const view = viewOf(department);

      expect(view.profile.person).toEqual({});
      expect(listKeys(department)).toEqual(['permits']);
      expect(fieldsOf(department, 'permits')).toEqual(
        ['endorsedUntil', 'issuedOn', 'issuingDivisionCode', 'recordId', 'status'].sort(),
      );
      expect(view.permit).toEqual({ valid: true, endorsedUntil: '2026-09-09', city: '330100' });
      expect(JSON.stringify(view)).not.toContain(ID_NUMBER);
      expect(JSON.stringify(view)).not.toContain('张伟');
    },
  );

  it('shows the points of the permit to all, how long it was held only where the department sees its issue', () => {
    const justice = viewOf('justice').points?.breakdown;
    const housing = viewOf('housing').points?.breakdown;

    expect(justice?.find((l) => l.indicator === 'permitHeld')).toMatchObject({ points: 10, value: true });
    expect(justice?.find((l) => l.indicator === 'permitYears')).toMatchObject({ points: 0, value: 0 });
    expect(housing?.find((l) => l.indicator === 'permitHeld')).toEqual({
      indicator: 'permitHeld',
      points: 10,
      cap: 10,
    });
  });

  it('gives null points when no table covers the city', () => {
    expect(departmentLookupView({ ...subject, points: undefined }, 'health').points).toBeNull();
  });

  it('derives each department’s fields from the subscription catalogue alone', () => {
    expect([...(profileFieldsFor('health').lists.residences ?? [])].sort()).toEqual([
      'detail',
      'divisionCode',
      'recordId',
    ]);
    expect(profileFieldsFor('housing').lists.residences).toBeUndefined();
  });
});

describe('returnedFields', () => {
  it('lists leaf paths with list items folded, never values', () => {
    const fields = returnedFields(viewOf('health'));

    expect(fields).toContain('profile.person.name');
    expect(fields).toContain('profile.residences[].detail');
    expect(fields).toContain('eligibility.eligible');
    expect(fields.join()).not.toContain('张伟');
  });
});
