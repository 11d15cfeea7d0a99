// Small builders for the derive tests: canonical records as the store holds them, and profiles.
import type {
  PersonProfile,
  ProfileApplication,
  ProfileBusinessLicense,
  ProfileCardLink,
  ProfileEmployment,
  ProfileInsurance,
  ProfilePermit,
  ProfileResidence,
  ProfileSchooling,
  ProfileTenancy,
} from '#domain/profile.ts';
import { buildPersonProfile } from '#domain/profile.ts';

export const EMPLOYER = { creditCode: '91330106MA2711111A', name: '杭州某某科技有限公司' };

/** A profile built from no records (every list empty), for a person named 张三, with the given overrides. */
export function emptyProfile(overrides: Partial<PersonProfile> = {}): PersonProfile {
  return { ...buildPersonProfile('pk-1', []), person: { name: '张三' }, ...overrides };
}

export const residence = (
  recordId: string,
  divisionCode: string,
  movedInOn: string,
  extra: Partial<ProfileResidence> = {},
): ProfileResidence => ({
  recordId,
  divisionCode,
  detail: '文三路90号',
  residenceType: 'rented',
  movedInOn,
  ...extra,
});

export const job = (
  recordId: string,
  startsOn: string,
  extra: Partial<ProfileEmployment> = {},
): ProfileEmployment => ({
  recordId,
  employerCreditCode: EMPLOYER.creditCode,
  employerName: EMPLOYER.name,
  divisionCode: '330106',
  contractType: 'open-ended',
  startsOn,
  ...extra,
});

export const lease = (
  recordId: string,
  startsOn: string,
  extra: Partial<ProfileTenancy> = {},
): ProfileTenancy => ({
  recordId,
  divisionCode: '330106',
  detail: '文三路90号',
  startsOn,
  ...extra,
});

export const school = (
  recordId: string,
  enrolledOn: string,
  extra: Partial<ProfileSchooling> = {},
): ProfileSchooling => ({
  recordId,
  schoolName: '杭州市某某中学',
  divisionCode: '330106',
  stage: 'senior-secondary',
  enrolledOn,
  ...extra,
});

export const insurance = (
  recordId: string,
  insuranceType: string,
  startedOn: string,
  extra: Partial<ProfileInsurance> = {},
): ProfileInsurance => ({ recordId, insuranceType, divisionCode: '330106', startedOn, ...extra });

export const licence = (
  recordId: string,
  registeredOn: string,
  extra: Partial<ProfileBusinessLicense> = {},
): ProfileBusinessLicense => ({
  recordId,
  creditCode: EMPLOYER.creditCode,
  name: '西湖区某某小吃店',
  divisionCode: '330106',
  registeredOn,
  ...extra,
});

export const application = (
  recordId: string,
  submittedOn: string,
  extra: Partial<ProfileApplication> = {},
): ProfileApplication => ({
  recordId,
  cityDivisionCode: '330100',
  divisionCode: '330106',
  claims: ['employment'],
  channel: 'self-service',
  submittedOn,
  ...extra,
});

export const permit = (
  recordId: string,
  issuedOn: string,
  endorsedUntil: string,
  extra: Partial<ProfilePermit> = {},
): ProfilePermit => ({
  recordId,
  issuingDivisionCode: '330106',
  issuedOn,
  endorsedUntil,
  status: 'valid',
  ...extra,
});

export const cardLink = (
  recordId: string,
  linkedOn: string,
  extra: Partial<ProfileCardLink> = {},
): ProfileCardLink => ({ recordId, cardType: 'citizen-card', divisionCode: '330100', linkedOn, ...extra });
