// The person profile: one view merged from all of a person's current records. Pure: no I/O, no clock.
import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import type { CanonicalRecord, RecordKind } from '../schemas/index.ts';

/** One current record of the person, as the store holds it. */
export type ProfileSource = {
  [K in RecordKind]: {
    recordId: string;
    kind: K;
    version: number;
    record: CanonicalRecord<K>;
    /** ISO timestamp of the record's last write; only breaks ties between equally recent sources. */
    updatedAt: string;
  };
}[RecordKind];

export interface ProfilePerson {
  name: string;
  gender?: string;
  birthDate?: string;
  ethnicity?: string;
  phone?: string;
  hukouDivisionCode?: string;
  educationLevel?: string;
}

export interface ProfileResidence {
  recordId: string;
  divisionCode: string;
  detail: string;
  residenceType: string;
  reason?: string;
  movedInOn: string;
  movedOutOn?: string;
}

export interface ProfileTenancy {
  recordId: string;
  divisionCode: string;
  detail: string;
  startsOn: string;
  endsOn?: string;
  endedOn?: string;
}

export interface ProfileEmployment {
  recordId: string;
  employerCreditCode: string;
  employerName: string;
  divisionCode: string;
  contractType: string;
  startsOn: string;
  endsOn?: string;
  endedOn?: string;
}

export interface ProfileInsurance {
  recordId: string;
  insuranceType: string;
  divisionCode: string;
  startedOn: string;
  stoppedOn?: string;
}

export interface ProfileSchooling {
  recordId: string;
  schoolName: string;
  divisionCode: string;
  stage: string;
  enrolledOn: string;
  leftOn?: string;
}

export interface ProfileBusinessLicense {
  recordId: string;
  creditCode: string;
  name: string;
  divisionCode: string;
  registeredOn: string;
  revokedOn?: string;
}

export interface ProfileDeparture {
  recordId: string;
  divisionCode: string;
  movedOutOn: string;
  destinationDivisionCode?: string;
}

/**
 * A person's merged view. Every list is in chronological order of its start date (ties by recordId), so
 * the same records always give the same profile, whatever order they arrive in.
 */
export interface PersonProfile {
  personKey: string;
  person: ProfilePerson;
  residences: ProfileResidence[];
  tenancies: ProfileTenancy[];
  employments: ProfileEmployment[];
  insurances: ProfileInsurance[];
  schooling: ProfileSchooling[];
  businessLicenses: ProfileBusinessLicense[];
  departures: ProfileDeparture[];
  /** recordId -> version the view was built from */
  sources: Record<string, number>;
}

// ---- building -------------------------------------------------------------------------------------------

/** Copies only the defined optional fields, so an absent value and `undefined` serialise alike. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const byRecordId = (a: { recordId: string }, b: { recordId: string }): number =>
  a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0;

function chronological<T extends { recordId: string }>(items: T[], dateOf: (item: T) => string): T[] {
  return items.sort((a, b) => {
    const da = dateOf(a);
    const db = dateOf(b);
    return da < db ? -1 : da > db ? 1 : byRecordId(a, b);
  });
}

/** The latest version of each record (a replayed or out-of-order older version never wins). */
function latestVersions(records: readonly ProfileSource[]): ProfileSource[] {
  const latest = new Map<string, ProfileSource>();
  for (const source of records) {
    const known = latest.get(source.recordId);
    if (known === undefined || source.version > known.version) latest.set(source.recordId, source);
  }
  return [...latest.values()].sort(byRecordId);
}

/** A candidate for the person fields, with what makes it more or less recent. */
interface PersonCandidate {
  fields: ProfilePerson;
  /** The fact's own date (a registration's movedInOn); '' for references without one. */
  factDate: string;
  updatedAt: string;
  recordId: string;
}

function personCandidate(source: ProfileSource): PersonCandidate | undefined {
  const base = { updatedAt: source.updatedAt, recordId: source.recordId };
  switch (source.kind) {
    case 'residence-registration': {
      const { idNumber: _id, ...fields } = source.record.person;
      return { ...base, fields, factDate: source.record.movedInOn };
    }
    case 'schooling': {
      const { name, phone, gender, birthDate } = source.record.student;
      return { ...base, fields: { name, phone, gender, birthDate }, factDate: '' };
    }
    case 'residence-departure':
    case 'tenancy':
    case 'employment':
    case 'social-insurance':
    case 'business-license': {
      const ref =
        source.kind === 'tenancy'
          ? source.record.tenant
          : source.kind === 'business-license'
            ? source.record.operator
            : source.record.person;
      return { ...base, fields: { name: ref.name, phone: ref.phone }, factDate: '' };
    }
    case 'rental-property':
      // The owner is not the tenant: a property says nothing about the person it is filed under.
      return undefined;
  }
}

/** Most recent first: registrations (by movedInOn) before references, then by last write, then recordId. */
function moreRecentFirst(a: PersonCandidate, b: PersonCandidate): number {
  const registeredA = a.factDate !== '';
  const registeredB = b.factDate !== '';
  if (registeredA !== registeredB) return registeredA ? -1 : 1;
  if (a.factDate !== b.factDate) return a.factDate > b.factDate ? -1 : 1;
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt ? -1 : 1;
  return -byRecordId(a, b);
}

/** The person fields a profile keeps (the clear ID number is never one of them). */
export const PERSON_FIELDS = [
  'name',
  'gender',
  'birthDate',
  'ethnicity',
  'phone',
  'hukouDivisionCode',
  'educationLevel',
] as const satisfies readonly (keyof ProfilePerson)[];

/**
 * Field by field, the most recent residence registration's person wins; a field it lacks comes from the
 * next most recent source that has it (other registrations, then the person references of other records).
 */
function mergePerson(sources: readonly ProfileSource[]): ProfilePerson {
  const candidates = sources
    .map(personCandidate)
    .filter((c): c is PersonCandidate => c !== undefined)
    .sort(moreRecentFirst);
  const person: ProfilePerson = { name: '' };
  for (const field of PERSON_FIELDS) {
    const value = candidates.map((c) => c.fields[field]).find((v) => v !== undefined && v !== '');
    if (value !== undefined) person[field] = value;
  }
  return person;
}

/** A profile with no records yet: the person's known fields and empty lists. */
export function emptyProfile(personKey: string, person: ProfilePerson): PersonProfile {
  return {
    personKey,
    person,
    residences: [],
    tenancies: [],
    employments: [],
    insurances: [],
    schooling: [],
    businessLicenses: [],
    departures: [],
    sources: {},
  };
}

/**
 * Merges all of a person's current records into one view. Deterministic: inputs are deduplicated (latest
 * version per recordId) and sorted, so any order and any replay of the same records give the same profile.
 * Rental properties are ignored (they have no subject person).
 */
export function buildPersonProfile(personKey: string, records: readonly ProfileSource[]): PersonProfile {
  const sources = latestVersions(records);
  const profile = emptyProfile(personKey, mergePerson(sources));
  for (const source of sources) {
    const { recordId } = source;
    switch (source.kind) {
      case 'residence-registration': {
        const r = source.record;
        profile.residences.push(
          defined({
            recordId,
            divisionCode: r.address.divisionCode,
            detail: r.address.detail,
            residenceType: r.residenceType,
            reason: r.reason,
            movedInOn: r.movedInOn,
            movedOutOn: r.movedOutOn,
          }),
        );
        break;
      }
      case 'tenancy': {
        const r = source.record;
        profile.tenancies.push(
          defined({
            recordId,
            divisionCode: r.property.divisionCode,
            detail: r.property.detail,
            startsOn: r.startsOn,
            endsOn: r.endsOn,
            endedOn: r.endedOn,
          }),
        );
        break;
      }
      case 'employment': {
        const r = source.record;
        profile.employments.push(
          defined({
            recordId,
            employerCreditCode: r.employer.creditCode,
            employerName: r.employer.name,
            divisionCode: r.employer.divisionCode,
            contractType: r.contractType,
            startsOn: r.startsOn,
            endsOn: r.endsOn,
            endedOn: r.endedOn,
          }),
        );
        break;
      }
      case 'social-insurance': {
        const r = source.record;
        profile.insurances.push(
          defined({
            recordId,
            insuranceType: r.insuranceType,
            divisionCode: r.divisionCode,
            startedOn: r.startedOn,
            stoppedOn: r.stoppedOn,
          }),
        );
        break;
      }
      case 'schooling': {
        const r = source.record;
        profile.schooling.push(
          defined({
            recordId,
            schoolName: r.school.name,
            divisionCode: r.school.divisionCode,
            stage: r.stage,
            enrolledOn: r.enrolledOn,
            leftOn: r.leftOn,
          }),
        );
        break;
      }
      case 'business-license': {
        const r = source.record;
        profile.businessLicenses.push(
          defined({
            recordId,
            creditCode: r.creditCode,
            name: r.name,
            divisionCode: r.address.divisionCode,
            registeredOn: r.registeredOn,
            revokedOn: r.revokedOn,
          }),
        );
        break;
      }
      case 'residence-departure': {
        const r = source.record;
        profile.departures.push(
          defined({
            recordId,
            divisionCode: r.divisionCode,
            movedOutOn: r.movedOutOn,
            destinationDivisionCode: r.destinationDivisionCode,
          }),
        );
        break;
      }
      case 'rental-property':
        continue;
    }
    profile.sources[recordId] = source.version;
  }
  chronological(profile.residences, (r) => r.movedInOn);
  chronological(profile.tenancies, (t) => t.startsOn);
  chronological(profile.employments, (e) => e.startsOn);
  chronological(profile.insurances, (i) => i.startedOn);
  chronological(profile.schooling, (s) => s.enrolledOn);
  chronological(profile.businessLicenses, (b) => b.registeredOn);
  chronological(profile.departures, (d) => d.movedOutOn);
  return profile;
}

// ---- change detection -----------------------------------------------------------------------------------

/**
 * A SHA-256 (hex) of the view's content in canonical JSON. `sources` is left out: a new version of a record
 * that changes nothing the view shows (a resubmission) is not a change of the view.
 */
export function profileHash(profile: PersonProfile): string {
  const { sources: _sources, ...content } = profile;
  return createHash('sha256').update(stringify(content)).digest('hex');
}

/** True when both views show the same content (see profileHash); emit PersonProfile.Updated only when false. */
export function sameProfile(a: PersonProfile, b: PersonProfile): boolean {
  return profileHash(a) === profileHash(b);
}
