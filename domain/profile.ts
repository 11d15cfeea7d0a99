// The person profile: one view merged from all of a person's current records. Pure: no I/O, no clock.
import { createHash } from 'node:crypto';
import type { CanonicalRecord, RecordKind } from '../schemas/index.ts';
import { canonicalJson } from './canonical-json.ts';

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

/** An application for a residence permit (居住证申领); `divisionCode` is the county of the residence. */
export interface ProfileApplication {
  recordId: string;
  cityDivisionCode: string;
  divisionCode: string;
  claims: string[];
  channel: string;
  submittedOn: string;
}

/** A residence permit (居住证), without its number: the number identifies the holder like an ID number. */
export interface ProfilePermit {
  recordId: string;
  issuingDivisionCode: string;
  applicationId?: string;
  issuedOn: string;
  endorsedUntil: string;
  status: string;
  endorsements?: { endorsedOn: string; endorsedUntil: string }[];
}

/** A permit's IC card linked to a citizen or social security card (卡证对接), without either number. */
export interface ProfileCardLink {
  recordId: string;
  cardType: string;
  divisionCode: string;
  linkedOn: string;
  unlinkedOn?: string;
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
  applications: ProfileApplication[];
  permits: ProfilePermit[];
  cardLinks: ProfileCardLink[];
  /** recordId -> version the view was built from */
  sources: Record<string, number>;
}

/** The lists of a profile (each fed by one record kind). */
export type ProfileList = Exclude<keyof PersonProfile, 'personKey' | 'person' | 'sources'>;

/**
 * A record's leaves as dotted paths (`address.divisionCode`), so the table below names real fields: strings,
 * and lists taken whole (an application's claims, a permit's endorsements).
 */
type LeafPath<T> = {
  [K in keyof T & string]-?: NonNullable<T[K]> extends string | readonly unknown[]
    ? K
    : NonNullable<T[K]> extends object
      ? `${K}.${LeafPath<NonNullable<T[K]>>}`
      : never;
}[keyof T & string];

/** Where a kind's subject person sits in its record: the keys holding an ID number and a name. */
type SubjectKey<R> = {
  [K in keyof R & string]: R[K] extends { idNumber: string; name: string } ? K : never;
}[keyof R & string];

type ListSource<Item> = {
  [K in RecordKind]: {
    kind: K;
    subject: SubjectKey<CanonicalRecord<K>>;
    /** The item's start date: each list is in this order (ties by recordId). */
    orderBy: { [F in keyof Item]: Item[F] extends string ? F : never }[Exclude<keyof Item, 'recordId'>];
    /** Every item field but recordId, and the record path it is copied from. */
    fields: { readonly [F in Exclude<keyof Item, 'recordId'>]-?: LeafPath<CanonicalRecord<K>> };
  };
}[RecordKind];

/**
 * The one table of what a profile takes from each record kind: the list it feeds, where its subject person
 * sits, and each list field's record path. Building the profile and cutting a department's view of it
 * (department-view.ts) both read it. Rental properties feed none (the owner is not the tenant).
 */
export const PROFILE_LISTS = {
  residences: {
    kind: 'residence-registration',
    subject: 'person',
    orderBy: 'movedInOn',
    fields: {
      divisionCode: 'address.divisionCode',
      detail: 'address.detail',
      residenceType: 'residenceType',
      reason: 'reason',
      movedInOn: 'movedInOn',
      movedOutOn: 'movedOutOn',
    },
  },
  tenancies: {
    kind: 'tenancy',
    subject: 'tenant',
    orderBy: 'startsOn',
    fields: {
      divisionCode: 'property.divisionCode',
      detail: 'property.detail',
      startsOn: 'startsOn',
      endsOn: 'endsOn',
      endedOn: 'endedOn',
    },
  },
  employments: {
    kind: 'employment',
    subject: 'person',
    orderBy: 'startsOn',
    fields: {
      employerCreditCode: 'employer.creditCode',
      employerName: 'employer.name',
      divisionCode: 'employer.divisionCode',
      contractType: 'contractType',
      startsOn: 'startsOn',
      endsOn: 'endsOn',
      endedOn: 'endedOn',
    },
  },
  insurances: {
    kind: 'social-insurance',
    subject: 'person',
    orderBy: 'startedOn',
    fields: {
      insuranceType: 'insuranceType',
      divisionCode: 'divisionCode',
      startedOn: 'startedOn',
      stoppedOn: 'stoppedOn',
    },
  },
  schooling: {
    kind: 'schooling',
    subject: 'student',
    orderBy: 'enrolledOn',
    fields: {
      schoolName: 'school.name',
      divisionCode: 'school.divisionCode',
      stage: 'stage',
      enrolledOn: 'enrolledOn',
      leftOn: 'leftOn',
    },
  },
  businessLicenses: {
    kind: 'business-license',
    subject: 'operator',
    orderBy: 'registeredOn',
    fields: {
      creditCode: 'creditCode',
      name: 'name',
      divisionCode: 'address.divisionCode',
      registeredOn: 'registeredOn',
      revokedOn: 'revokedOn',
    },
  },
  departures: {
    kind: 'residence-departure',
    subject: 'person',
    orderBy: 'movedOutOn',
    fields: {
      divisionCode: 'divisionCode',
      movedOutOn: 'movedOutOn',
      destinationDivisionCode: 'destinationDivisionCode',
    },
  },
  applications: {
    kind: 'permit-application',
    subject: 'applicant',
    orderBy: 'submittedOn',
    fields: {
      cityDivisionCode: 'cityDivisionCode',
      divisionCode: 'address.divisionCode',
      claims: 'claims',
      channel: 'channel',
      submittedOn: 'submittedOn',
    },
  },
  permits: {
    kind: 'residence-permit',
    subject: 'holder',
    orderBy: 'issuedOn',
    fields: {
      issuingDivisionCode: 'issuingDivisionCode',
      applicationId: 'applicationId',
      issuedOn: 'issuedOn',
      endorsedUntil: 'endorsedUntil',
      status: 'status',
      endorsements: 'endorsements',
    },
  },
  cardLinks: {
    kind: 'card-link',
    subject: 'holder',
    orderBy: 'linkedOn',
    fields: {
      cardType: 'cardType',
      divisionCode: 'divisionCode',
      linkedOn: 'linkedOn',
      unlinkedOn: 'unlinkedOn',
    },
  },
} as const satisfies { readonly [L in ProfileList]: ListSource<PersonProfile[L][number]> };

export const PROFILE_LIST_NAMES = Object.keys(PROFILE_LISTS) as ProfileList[];

/** The list a record kind feeds; undefined for rental properties. */
export function profileListOf(kind: RecordKind): ProfileList | undefined {
  return PROFILE_LIST_NAMES.find((list) => PROFILE_LISTS[list].kind === kind);
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

// ---- building -------------------------------------------------------------------------------------------

const compareText = (a: unknown, b: unknown): number => {
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
};

const byRecordId = (a: { recordId: string }, b: { recordId: string }): number =>
  compareText(a.recordId, b.recordId);

/** The latest version of each record (a replayed or out-of-order older version never wins). */
function latestVersions(records: readonly ProfileSource[]): ProfileSource[] {
  const latest = new Map<string, ProfileSource>();
  for (const source of records) {
    const known = latest.get(source.recordId);
    if (known === undefined || source.version > known.version) latest.set(source.recordId, source);
  }
  return [...latest.values()].sort(byRecordId);
}

type Fields = Record<string, unknown>;

/** In order of the date field, ties by recordId. */
function chronological(items: Fields[], dateField: string): Fields[] {
  return items.sort((a, b) => compareText(a[dateField], b[dateField]) || compareText(a.recordId, b.recordId));
}

const valueAt = (record: object, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (node, key) => (typeof node === 'object' && node !== null ? (node as Fields)[key] : undefined),
      record,
    );

/** A candidate for the person fields, with what makes it more or less recent. */
interface PersonCandidate {
  fields: Partial<ProfilePerson>;
  /** The fact's own date (a registration's movedInOn); '' for references without one. */
  factDate: string;
  updatedAt: string;
  recordId: string;
}

function personCandidate(source: ProfileSource, list: ProfileList): PersonCandidate {
  const subject = valueAt(source.record, PROFILE_LISTS[list].subject) as Partial<ProfilePerson>;
  const fields: Partial<ProfilePerson> = {};
  for (const field of PERSON_FIELDS) if (subject[field] !== undefined) fields[field] = subject[field];
  return {
    fields,
    factDate: source.kind === 'residence-registration' ? source.record.movedInOn : '',
    updatedAt: source.updatedAt,
    recordId: source.recordId,
  };
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

/**
 * Field by field, the most recent residence registration's person wins; a field it lacks comes from the
 * next most recent source that has it (other registrations, then the person references of other records).
 */
function mergePerson(candidates: PersonCandidate[]): ProfilePerson {
  candidates.sort(moreRecentFirst);
  const person: ProfilePerson = { name: '' };
  for (const field of PERSON_FIELDS) {
    const value = candidates.map((c) => c.fields[field]).find((v) => v !== undefined && v !== '');
    if (value !== undefined) person[field] = value;
  }
  return person;
}

/** A list item: the recordId and the record's value for each of the list's fields it has (no `undefined`). */
function listItem(source: ProfileSource, list: ProfileList): Fields {
  const item: Fields = { recordId: source.recordId };
  for (const [field, path] of Object.entries(PROFILE_LISTS[list].fields)) {
    const value = valueAt(source.record, path);
    if (value !== undefined) item[field] = value;
  }
  return item;
}

/**
 * Merges all of a person's current records into one view. Deterministic: inputs are deduplicated (latest
 * version per recordId) and sorted, so any order and any replay of the same records give the same profile.
 * Rental properties are ignored (they have no subject person).
 */
export function buildPersonProfile(personKey: string, records: readonly ProfileSource[]): PersonProfile {
  const candidates: PersonCandidate[] = [];
  const items = Object.fromEntries(PROFILE_LIST_NAMES.map((list) => [list, [] as Fields[]])) as {
    [L in ProfileList]: Fields[];
  };
  const sources: Record<string, number> = {};
  for (const source of latestVersions(records)) {
    const list = profileListOf(source.kind);
    if (list === undefined) continue;
    candidates.push(personCandidate(source, list));
    items[list].push(listItem(source, list));
    sources[source.recordId] = source.version;
  }
  for (const list of PROFILE_LIST_NAMES) chronological(items[list], PROFILE_LISTS[list].orderBy);
  // PROFILE_LISTS' type gives every field of each list's item a record path: the items have the item's shape.
  const lists = items as unknown as Pick<PersonProfile, ProfileList>;
  return { personKey, person: mergePerson(candidates), ...lists, sources };
}

// ---- change detection -----------------------------------------------------------------------------------

/**
 * A SHA-256 (hex) of the view's content in canonical JSON. `sources` is left out: a new version of a record
 * that changes nothing the view shows (a resubmission) is not a change of the view; PersonProfile.Updated is
 * emitted only when the hash changes.
 */
export function profileHash(profile: PersonProfile): string {
  const { sources: _sources, ...content } = profile;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}
