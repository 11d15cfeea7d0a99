// What a department may see of a person's derived view, taken from its event subscription (events/), so the
// look-up never shows a department more than its own queue delivers (PIPL: the minimum for its duties).
import type { EventKind } from '../events/kinds.ts';
import { type Department, subscriptionFor } from '../events/subscriptions.ts';
import type { ConditionName, EligibilityResult } from './eligibility.ts';
import type { PermitVerification } from './permit.ts';
import type { PointsScore } from './points.ts';
import type { PointsIndicator } from './points-config.ts';
import {
  PERSON_FIELDS,
  type PersonProfile,
  PROFILE_LIST_NAMES,
  PROFILE_LISTS,
  type ProfileList,
  type ProfilePerson,
  profileListOf,
} from './profile.ts';

export type PersonField = keyof ProfilePerson | 'idNumber';

/** What a department may see of a person: the profile's person fields, and the ID number it is keyed by. */
const VISIBLE_PERSON_FIELDS: readonly PersonField[] = ['idNumber', ...PERSON_FIELDS];

/** What one department may see of a profile: person fields, and per list the fields (recordId included). */
export interface ProfileFieldSet {
  department: Department;
  person: ReadonlySet<PersonField>;
  lists: { readonly [L in ProfileList]?: ReadonlySet<string> };
}

/**
 * A department's profile fields, derived from its subscription: a person field when the department receives
 * it for the subject of any kind; a list (and each of its fields) when it receives that kind (and the field's
 * record path); a list's `recordId` when it receives the envelope's recordId.
 */
export function profileFieldsFor(department: Department): ProfileFieldSet {
  const { fields } = subscriptionFor(department);
  const person = new Set<PersonField>();
  const lists: { [L in ProfileList]?: Set<string> } = {};
  for (const [kind, paths] of Object.entries(fields) as [EventKind, readonly string[]][]) {
    const list = profileListOf(kind);
    if (list === undefined) continue;
    const { subject, fields: listFields } = PROFILE_LISTS[list];
    const received = new Set(paths);
    for (const field of VISIBLE_PERSON_FIELDS)
      if (received.has(`record.${subject}.${field}`)) person.add(field);
    const visible = new Set<string>();
    if (received.has('recordId')) visible.add('recordId');
    for (const [field, path] of Object.entries(listFields)) {
      if (received.has(`record.${path}`)) visible.add(field);
    }
    lists[list] = visible;
  }
  return { department, person, lists };
}

// ---- the projected look-up answer ------------------------------------------------------------------------

export interface ProjectedCondition {
  met: boolean;
  [detail: string]: unknown;
}

export interface ProjectedEligibility {
  asOf: string;
  eligible: boolean;
  eligibleFrom?: string;
  conditions: Record<ConditionName, ProjectedCondition>;
}

export interface ProjectedPointsLine {
  indicator: PointsIndicator;
  points: number;
  cap: number;
  value?: number | string | boolean;
  explanation?: string;
}

export interface ProjectedPoints {
  city: string;
  asOf: string;
  example: boolean;
  total: number;
  breakdown: ProjectedPointsLine[];
}

export interface DepartmentLookupView {
  personKey: string;
  profile: Record<string, unknown>;
  eligibility: ProjectedEligibility;
  /** null when no points table is configured for the person's city. */
  points: ProjectedPoints | null;
  /** Whether a permit is in force on the day: what any department may ask (POST /v1/permits/verify). */
  permit: PermitVerification;
}

export interface LookupSubject {
  /** The normalised ID number the department asked with; shown back only where its projection has it. */
  idNumber: string;
  profile: PersonProfile;
  eligibility: EligibilityResult;
  points: PointsScore | undefined;
  permit: PermitVerification;
}

const pick = (value: object, keys: ReadonlySet<string>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(value).filter(([key, v]) => keys.has(key) && v !== undefined));

function projectProfile(subject: LookupSubject, fields: ProfileFieldSet): Record<string, unknown> {
  const personSource: Record<string, unknown> = { idNumber: subject.idNumber, ...subject.profile.person };
  const projected: Record<string, unknown> = { person: pick(personSource, fields.person) };
  for (const list of PROFILE_LIST_NAMES) {
    const visible = fields.lists[list];
    if (visible === undefined) continue;
    projected[list] = subject.profile[list].map((item) => pick(item, visible));
  }
  return projected;
}

/** The recordIds a department can see (of the lists it receives, with their recordId). */
function visibleRecordIds(profile: PersonProfile, fields: ProfileFieldSet): Set<string> {
  const ids = new Set<string>();
  for (const list of PROFILE_LIST_NAMES) {
    if (!fields.lists[list]?.has('recordId')) continue;
    for (const item of profile[list]) ids.add(item.recordId);
  }
  return ids;
}

/**
 * Every condition's `met` is the service itself and always shown; its details only where the department sees
 * what they come from: residence dates with the residences' move-in, the hukou with the person's hukou field,
 * evidence recordIds of the records it receives.
 */
function projectEligibility(subject: LookupSubject, fields: ProfileFieldSet): ProjectedEligibility {
  const { eligibility } = subject;
  const ids = visibleRecordIds(subject.profile, fields);
  const evidence = (list: readonly string[]) => list.filter((id) => ids.has(id));
  const {
    residence6Months: residence,
    awayFromHukou: hukou,
    employment,
    housing,
    schooling,
  } = eligibility.conditions;
  const seesMoveIn = fields.lists.residences?.has('movedInOn') ?? false;
  const conditions: Record<ConditionName, ProjectedCondition> = {
    residence6Months: {
      met: residence.met,
      requiredMonths: residence.requiredMonths,
      ...(seesMoveIn
        ? {
            monthsResided: residence.monthsResided,
            ...(residence.since === undefined ? {} : { since: residence.since }),
            ...(residence.reachedOn === undefined ? {} : { reachedOn: residence.reachedOn }),
          }
        : {}),
      evidence: evidence(residence.evidence),
    },
    awayFromHukou: {
      met: hukou.met,
      ...(fields.person.has('hukouDivisionCode') && hukou.hukouDivisionCode !== undefined
        ? { hukouDivisionCode: hukou.hukouDivisionCode }
        : {}),
    },
    employment: { met: employment.met, evidence: evidence(employment.evidence) },
    housing: { met: housing.met, evidence: evidence(housing.evidence) },
    schooling: { met: schooling.met, evidence: evidence(schooling.evidence) },
  };
  return {
    asOf: eligibility.asOf,
    eligible: eligibility.eligible,
    ...(eligibility.eligibleFrom === undefined ? {} : { eligibleFrom: eligibility.eligibleFrom }),
    conditions,
  };
}

/** Which field the measured value of an indicator reveals. */
function seesInputOf(indicator: PointsIndicator, fields: ProfileFieldSet): boolean {
  switch (indicator) {
    case 'residenceYears':
      return fields.lists.residences?.has('movedInOn') ?? false;
    case 'insuranceMonths':
      return fields.lists.insurances?.has('startedOn') ?? false;
    case 'educationLevel':
      return fields.person.has('educationLevel');
    case 'homeOwnership':
      return fields.lists.residences?.has('residenceType') ?? false;
    case 'permitHeld':
      return fields.lists.permits?.has('status') ?? false;
    case 'permitYears':
      return fields.lists.permits?.has('issuedOn') ?? false;
  }
}

/** Points and caps are the service; the measured value and its explanation only with the input visible. */
function projectPoints(points: PointsScore | undefined, fields: ProfileFieldSet): ProjectedPoints | null {
  if (points === undefined) return null;
  return {
    city: points.city,
    asOf: points.asOf,
    example: points.example,
    total: points.total,
    breakdown: points.breakdown.map((line) =>
      seesInputOf(line.indicator, fields)
        ? { ...line }
        : { indicator: line.indicator, points: line.points, cap: line.cap },
    ),
  };
}

/**
 * The look-up answer for one department: profile, eligibility and points, each cut to what it may see, and the
 * permit's validity, which every department may know.
 */
export function departmentLookupView(subject: LookupSubject, department: Department): DepartmentLookupView {
  const fields = profileFieldsFor(department);
  return {
    personKey: subject.profile.personKey,
    profile: projectProfile(subject, fields),
    eligibility: projectEligibility(subject, fields),
    points: projectPoints(subject.points, fields),
    permit: subject.permit,
  };
}

/**
 * The fields an answer returned, as paths with list items folded (`profile.residences[].detail`), sorted: what
 * the audit trail records. Values never appear.
 */
export function returnedFields(value: unknown, prefix = ''): string[] {
  const paths = new Set<string>();
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      if (node.length === 0) paths.add(path);
      for (const item of node) walk(item, `${path}[]`);
    } else if (typeof node === 'object' && node !== null) {
      const entries = Object.entries(node);
      if (entries.length === 0) paths.add(path);
      for (const [key, child] of entries) walk(child, path === '' ? key : `${path}.${key}`);
    } else if (path !== '') {
      paths.add(path);
    }
  };
  walk(value, prefix);
  return [...paths].sort();
}
