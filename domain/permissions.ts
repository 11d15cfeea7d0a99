import { errorMessage, type FieldError } from '#schemas/errors.ts';
import { type CanonicalRecord, isRecordKind, type RecordFacts, type RecordKind } from '#schemas/index.ts';
import { isSameOrAncestor } from '#schemas/values/division-code.ts';
import type { CardType } from '#schemas/values/enums.ts';
import { recordIdOf } from './record-id.ts';

/** Who made a request, as the store and the events record it. */
export interface SubmitterRef {
  submitterId: string;
  role: string;
  /** A department caller's department (department-claims.ts); never stored with a record. */
  department?: string;
  /** A coordinator's divisions (submitter.ts); never stored with a record. */
  divisions?: readonly string[];
}

/**
 * One submitter that reported a record. Its size is bounded whatever the submitter sends: the first and
 * the latest source id it used, not every one, so reports under ever new source ids cannot grow the item.
 */
export interface ProvenanceEntry extends SubmitterRef {
  firstSourceId?: string;
  lastSourceId?: string;
  /** How many of its reports named a source id other than the one before (A, B, A counts 3). */
  sourceIdCount: number;
  firstReportedAt: string;
  lastReportedAt: string;
}

/** Every kind of submitter (DESIGN.md §6); a token or IAM mapping with any other role is refused. */
export const SUBMITTER_ROLES = [
  'landlord',
  'property-manager',
  'agency',
  'employer',
  'school',
  'department',
  'resident',
  'coordinator',
] as const;

export type SubmitterRole = (typeof SUBMITTER_ROLES)[number];

export const isSubmitterRole = (role: unknown): role is SubmitterRole =>
  typeof role === 'string' && (SUBMITTER_ROLES as readonly string[]).includes(role);

/**
 * How far a role's right to a kind goes:
 * - `any`: every record of the kind;
 * - `own-property`: every record, except at a rental property another landlord registered (PROPERTY_NOT_OWNED);
 * - `collective-dormitory`: residence registrations in a unit's collective dormitory (单位集体宿舍) only;
 * - `own-records`: only records whose subject is the caller (the ID number in the token; SUBJECT_MISMATCH);
 * - `in-divisions`: only records in a division the caller serves (the token's divisions; NOT_IN_DIVISIONS);
 * - `public-security`: only a department caller acting for public security (FORBIDDEN_DEPARTMENT);
 * - `card-issuer`: only the department that issues the record's card type (CARD_ISSUERS; FORBIDDEN_DEPARTMENT).
 */
export type Grant =
  | 'any'
  | 'own-property'
  | 'collective-dormitory'
  | 'own-records'
  | 'in-divisions'
  | 'public-security'
  | 'card-issuer';

/**
 * Which department issues each card a residence permit is linked to (卡证对接). In Zhejiang's cities the citizen
 * card (市民卡) carries the social security card's functions and is issued under human resources and social
 * security; a city whose citizen card comes from another body adds that department here.
 */
export const CARD_ISSUERS: { readonly [C in CardType]: readonly string[] } = {
  'social-security-card': ['hrss'],
  'citizen-card': ['hrss'],
};

/** Public security issues residence permits (居住证暂行条例) and accepts applications at its counters. */
const PERMIT_AUTHORITY = 'public-security';

/** Who may submit what: the only place that says so. A role absent from a kind's column may not submit it. */
export const PERMISSIONS: { readonly [R in SubmitterRole]: { readonly [K in RecordKind]?: Grant } } = {
  landlord: {
    'rental-property': 'own-property',
    tenancy: 'own-property',
    'residence-registration': 'own-property',
    'residence-departure': 'any',
  },
  // Reports for the many owners whose buildings it manages (物业服务企业), so no single owner to check against.
  'property-manager': {
    'rental-property': 'any',
    tenancy: 'any',
    'residence-registration': 'any',
    'residence-departure': 'any',
  },
  // Brokers the lease (房屋中介); the move-out is the landlord's, the manager's or the resident's to report.
  agency: {
    'rental-property': 'any',
    tenancy: 'any',
    'residence-registration': 'any',
  },
  employer: {
    employment: 'any',
    'social-insurance': 'any',
    'residence-registration': 'collective-dormitory',
  },
  // A school's dormitory is a unit's collective dormitory too (单位集体宿舍).
  school: {
    schooling: 'any',
    'residence-registration': 'collective-dormitory',
  },
  department: {
    'residence-registration': 'any',
    'residence-departure': 'any',
    'rental-property': 'any',
    tenancy: 'any',
    employment: 'any',
    'social-insurance': 'any',
    schooling: 'any',
    'business-license': 'any',
    'permit-application': 'public-security',
    'residence-permit': 'public-security',
    'card-link': 'card-issuer',
  },
  // Self-service (自助申领): a resident applies for their own permit only.
  resident: {
    'residence-registration': 'own-records',
    'residence-departure': 'own-records',
    'permit-application': 'own-records',
  },
  // 协管员: collect registrations door to door and file applications for people living in their divisions.
  coordinator: {
    'residence-registration': 'in-divisions',
    'residence-departure': 'in-divisions',
    'permit-application': 'in-divisions',
  },
};

/** The caller as the permission checks need it. */
export interface Caller {
  role: SubmitterRole;
  /** A resident's own normalised ID number (from the verified token); absent for every other role. */
  idNumber?: string;
  /** A department caller's department (its token's `department` claim). */
  department?: string;
  /** A coordinator's divisions (its token's `divisions` claim): 6-digit codes, a city code covers its counties. */
  divisions?: readonly string[];
}

type PermissionCode = 'FORBIDDEN_KIND' | 'SUBJECT_MISMATCH' | 'NOT_IN_DIVISIONS' | 'FORBIDDEN_DEPARTMENT';

const forbidden = (path: string, code: PermissionCode): FieldError => ({
  path,
  code,
  message: errorMessage(code),
});

/** Where each kind a coordinator may submit names the division it is checked against (RecordFacts.divisionCode). */
const DIVISION_PATHS: { readonly [K in RecordKind]?: string } = {
  'residence-registration': 'data.address.divisionCode',
  'residence-departure': 'data.divisionCode',
  'permit-application': 'data.address.divisionCode',
};

/** True when a division lies in one of the divisions a coordinator serves. */
const servesDivision = (divisions: readonly string[] | undefined, divisionCode: string): boolean =>
  (divisions ?? []).some((served) => isSameOrAncestor(served, divisionCode));

/** Refuses a kind the role may not submit at all; checked before normalising, so it costs nothing. */
export function kindPermissionError(caller: Caller, kind: string): FieldError | undefined {
  if (!isRecordKind(kind)) return undefined; // KIND_UNKNOWN, from normalising
  return PERMISSIONS[caller.role][kind] === undefined ? forbidden('kind', 'FORBIDDEN_KIND') : undefined;
}

/** Refuses a normalised record outside the conditions of the role's grant. */
export function recordPermissionError(
  caller: Caller,
  kind: RecordKind,
  record: CanonicalRecord,
  facts: RecordFacts,
): FieldError | undefined {
  switch (PERMISSIONS[caller.role][kind]) {
    case undefined:
      return forbidden('kind', 'FORBIDDEN_KIND');
    case 'collective-dormitory':
      return (record as { residenceType?: string }).residenceType === 'employer-dormitory'
        ? undefined
        : forbidden('data.residenceType', 'FORBIDDEN_KIND');
    case 'own-records':
      return caller.idNumber !== undefined && facts.personIdNumber === caller.idNumber
        ? undefined
        : forbidden(SUBJECT_PATHS[kind] ?? 'data', 'SUBJECT_MISMATCH');
    case 'in-divisions':
      return servesDivision(caller.divisions, facts.divisionCode)
        ? undefined
        : forbidden(DIVISION_PATHS[kind] ?? 'data', 'NOT_IN_DIVISIONS');
    case 'public-security':
      return caller.department === PERMIT_AUTHORITY ? undefined : forbidden('kind', 'FORBIDDEN_DEPARTMENT');
    case 'card-issuer': {
      const card = (record as { cardType: CardType }).cardType;
      return caller.department !== undefined && CARD_ISSUERS[card].includes(caller.department)
        ? undefined
        : forbidden('data.cardType', 'FORBIDDEN_DEPARTMENT');
    }
    default:
      return undefined;
  }
}

/** Where each kind a resident may submit names its subject's ID number. */
const SUBJECT_PATHS: { readonly [K in RecordKind]?: string } = {
  'residence-registration': 'data.person.idNumber',
  'residence-departure': 'data.person.idNumber',
  'permit-application': 'data.applicant.idNumber',
};

interface PropertyAddress {
  divisionCode: string;
  detail: string;
}

/** A rental property a record is at: its record id and where the record names it. */
export interface PropertyRef {
  recordId: string;
  path: string;
}

function propertyAddressOf(
  kind: RecordKind,
  record: CanonicalRecord,
): { address: PropertyAddress; path: string } | undefined {
  if (kind === 'rental-property' || kind === 'residence-registration')
    return { address: (record as { address: PropertyAddress }).address, path: 'data.address' };
  if (kind === 'tenancy')
    return { address: (record as { property: PropertyAddress }).property, path: 'data.property' };
  return undefined;
}

/**
 * The rental property a record is at, when the caller's grant is `own-property`. Its id is the one a
 * `rental-property` record at that address has (the address is its natural key), so no extra index is needed.
 */
export function propertyToCheck(
  caller: Caller,
  kind: RecordKind,
  record: CanonicalRecord,
): PropertyRef | undefined {
  if (PERMISSIONS[caller.role][kind] !== 'own-property') return undefined;
  const at = propertyAddressOf(kind, record);
  if (at === undefined) return undefined;
  return {
    recordId: recordIdOf('rental-property', [at.address.divisionCode, at.address.detail]),
    path: at.path,
  };
}

/**
 * A property belongs to the landlords who registered it (the landlords in its provenance). An unregistered
 * property, or one only other roles reported, belongs to no landlord yet, so the report is allowed.
 */
export function propertyOwnershipError(
  submitterId: string,
  ref: PropertyRef,
  property: { provenance: readonly ProvenanceEntry[] } | undefined,
): FieldError | undefined {
  const landlords = (property?.provenance ?? []).filter((p) => p.role === 'landlord');
  if (landlords.length === 0 || landlords.some((p) => p.submitterId === submitterId)) return undefined;
  return { path: ref.path, code: 'PROPERTY_NOT_OWNED', message: errorMessage('PROPERTY_NOT_OWNED') };
}
