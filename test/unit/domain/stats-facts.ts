// Small builders of the profile facts the statistics read (no personal data: the stats never see any).
import type {
  ProfileBusinessLicense,
  ProfileDeparture,
  ProfileEmployment,
  ProfileInsurance,
  ProfileResidence,
  ProfileSchooling,
} from '#domain/profile.ts';
import type { StatsFacts } from '#domain/stats.ts';

export const noFacts = (): StatsFacts => ({
  residences: [],
  departures: [],
  employments: [],
  businessLicenses: [],
  insurances: [],
  schooling: [],
  applications: [],
  permits: [],
});

export const facts = (parts: Partial<StatsFacts>): StatsFacts => ({ ...noFacts(), ...parts });

export const residence = (
  divisionCode: string,
  movedInOn: string,
  extra: Partial<ProfileResidence> = {},
): ProfileResidence => ({
  recordId: `residence-registration:${divisionCode}`,
  divisionCode,
  detail: '1幢1单元101室',
  residenceType: 'rented',
  movedInOn,
  ...extra,
});

export const departure = (divisionCode: string, movedOutOn: string): ProfileDeparture => ({
  recordId: `residence-departure:${divisionCode}:${movedOutOn}`,
  divisionCode,
  movedOutOn,
});

export const employment = (startsOn: string, extra: Partial<ProfileEmployment> = {}): ProfileEmployment => ({
  recordId: `employment:${startsOn}`,
  employerCreditCode: '91330106MA2XXXXXX0',
  employerName: 'Example Co',
  divisionCode: '330106',
  contractType: 'fixed-term',
  startsOn,
  ...extra,
});

export const businessLicense = (
  registeredOn: string,
  extra: Partial<ProfileBusinessLicense> = {},
): ProfileBusinessLicense => ({
  recordId: `business-license:${registeredOn}`,
  creditCode: '92330106MA2XXXXXX0',
  name: 'Example Shop',
  divisionCode: '330106',
  registeredOn,
  ...extra,
});

export const insurance = (startedOn: string, extra: Partial<ProfileInsurance> = {}): ProfileInsurance => ({
  recordId: `social-insurance:${startedOn}`,
  insuranceType: 'medical',
  divisionCode: '330106',
  startedOn,
  ...extra,
});

export const schooling = (enrolledOn: string, extra: Partial<ProfileSchooling> = {}): ProfileSchooling => ({
  recordId: `schooling:${enrolledOn}`,
  schoolName: 'Example Primary School',
  divisionCode: '330106',
  stage: 'primary',
  enrolledOn,
  ...extra,
});

/** A contribution or counter map as a sorted plain object, for readable equality assertions. */
export const sorted = (counters: ReadonlyMap<string, number>): Record<string, number> =>
  Object.fromEntries([...counters].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
