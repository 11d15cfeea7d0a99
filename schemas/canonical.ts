import { z } from 'zod';
import type { CanonicalRecords, RecordKind } from './index.ts';
import { ADDRESS_DETAIL_MAX_LENGTH } from './values/address.ts';
import { DOCUMENT_NUMBER_MAX_LENGTH, DOCUMENT_NUMBER_MIN_LENGTH } from './values/document-number.ts';
import {
  APPLICATION_CHANNELS,
  CARD_TYPES,
  CONTRACT_TYPES,
  EDUCATION_LEVELS,
  GENDERS,
  INSURANCE_TYPES,
  PERMIT_CLAIMS,
  PERMIT_STATUSES,
  RESIDENCE_REASONS,
  RESIDENCE_TYPES,
  SCHOOL_STAGES,
} from './values/enums.ts';

/*
 * The canonical records as they leave normaliseRecord: the OUTPUT side of the kinds' schemas, which zod cannot
 * render itself (every value type is a transform). They describe what is stored and what events carry, for
 * the documents generated from the code (docs/) and for consumers. The type check at the bottom fails the
 * build when a kind's output type and its description here differ; test/unit/docs checks that normalised
 * records satisfy the constraints.
 */

// ---- canonical values -----------------------------------------------------------------------------------

export const canonicalIdNumber = z
  .string()
  .regex(/^\d{17}[\dX]$/)
  .meta({ description: 'Resident ID number (GB 11643), 18 characters, upper-case X.' });

// The GB 32100 alphabet: digits and capitals without I, O, S, V, Z.
export const canonicalCreditCode = z
  .string()
  .regex(/^[0-9A-HJ-NP-RTUW-Y]{18}$/)
  .meta({ description: 'Unified social credit code (GB 32100), 18 characters.' });

export const canonicalDivisionCode = z
  .string()
  .regex(/^\d{6}$/)
  .meta({ description: 'Administrative division code (GB/T 2260), 6 digits.' });

export const canonicalDate = z.iso.date().meta({ description: 'Calendar date, YYYY-MM-DD.' });

export const canonicalPhone = z
  .string()
  .regex(/^1[3-9]\d{9}$/)
  .meta({ description: 'Mainland mobile number, 11 digits.' });

// At most 50 characters (code points); not a maxLength, which some validators count in UTF-16 units.
export const canonicalPersonName = z
  .string()
  .min(1)
  .meta({ description: 'Person name, NFKC, single spaces, parts joined by U+00B7 (·); 1–50 characters.' });

export const canonicalAddressDetail = z.string().min(1).max(ADDRESS_DETAIL_MAX_LENGTH).meta({
  description: 'Address below the division: street, number, building (幢), unit (单元), room (室).',
});

export const canonicalEthnicity = z
  .string()
  .regex(/^(?:0[1-9]|[1-4]\d|5[0-6])$/)
  .meta({ description: 'Ethnic group, GB 3304 code 01–56.' });

export const canonicalDocumentNumber = z
  .string()
  .regex(new RegExp(`^[0-9A-Z]{${DOCUMENT_NUMBER_MIN_LENGTH},${DOCUMENT_NUMBER_MAX_LENGTH}}$`))
  .meta({ description: 'A residence permit or card number: digits and capitals. Identifies a person.' });

/** Free text the kinds normalise with NFKC and single spaces (organisation names, occupations). */
const canonicalText = (maxLength: number) => z.string().min(1).max(maxLength);

const organisationName = canonicalText(200);

// ---- canonical parts ------------------------------------------------------------------------------------

const address = z.strictObject({ divisionCode: canonicalDivisionCode, detail: canonicalAddressDetail });

const personRef = z.strictObject({
  idNumber: canonicalIdNumber,
  name: canonicalPersonName,
  phone: canonicalPhone.optional(),
});

/** A registered resident: gender and birth date are always there (taken from the ID number when not given). */
const person = z.strictObject({
  idNumber: canonicalIdNumber,
  name: canonicalPersonName,
  gender: z.enum(GENDERS),
  birthDate: canonicalDate,
  ethnicity: canonicalEthnicity.optional(),
  phone: canonicalPhone.optional(),
  hukouDivisionCode: canonicalDivisionCode.optional(),
  educationLevel: z.enum(EDUCATION_LEVELS).optional(),
});

const organisation = z.strictObject({ creditCode: canonicalCreditCode, name: organisationName });

/** A person (idNumber) or an organisation (creditCode): exactly one of the two. */
const party = z.strictObject({
  name: organisationName,
  idNumber: canonicalIdNumber.optional(),
  creditCode: canonicalCreditCode.optional(),
  phone: canonicalPhone.optional(),
});

// ---- canonical records ----------------------------------------------------------------------------------

export const CANONICAL_RECORD_SCHEMAS = {
  'residence-registration': z.strictObject({
    person,
    address,
    residenceType: z.enum(RESIDENCE_TYPES),
    reason: z.enum(RESIDENCE_REASONS).optional(),
    movedInOn: canonicalDate,
    movedOutOn: canonicalDate.optional(),
  }),
  'residence-departure': z.strictObject({
    person: personRef,
    divisionCode: canonicalDivisionCode,
    movedOutOn: canonicalDate,
    destinationDivisionCode: canonicalDivisionCode.optional(),
  }),
  'rental-property': z.strictObject({
    owner: party,
    address,
    areaSqm: z.number().min(1).max(100_000).optional(),
    rooms: z.int().min(1).max(1000).optional(),
    certificateNo: canonicalText(64).optional(),
  }),
  tenancy: z.strictObject({
    tenant: personRef,
    landlord: party,
    property: address,
    startsOn: canonicalDate,
    endsOn: canonicalDate.optional(),
    endedOn: canonicalDate.optional(),
    monthlyRentYuan: z.number().min(0).max(10_000_000).optional(),
  }),
  employment: z.strictObject({
    person: personRef,
    employer: organisation.extend({ divisionCode: canonicalDivisionCode }),
    contractType: z.enum(CONTRACT_TYPES),
    startsOn: canonicalDate,
    endsOn: canonicalDate.optional(),
    endedOn: canonicalDate.optional(),
    occupation: canonicalText(100).optional(),
  }),
  'social-insurance': z.strictObject({
    person: personRef,
    insuranceType: z.enum(INSURANCE_TYPES),
    divisionCode: canonicalDivisionCode,
    employer: organisation.optional(),
    startedOn: canonicalDate,
    stoppedOn: canonicalDate.optional(),
  }),
  schooling: z.strictObject({
    student: personRef.extend({ gender: z.enum(GENDERS).optional(), birthDate: canonicalDate.optional() }),
    school: z.strictObject({
      name: organisationName,
      creditCode: canonicalCreditCode.optional(),
      divisionCode: canonicalDivisionCode,
    }),
    stage: z.enum(SCHOOL_STAGES),
    grade: canonicalText(32).optional(),
    enrolledOn: canonicalDate,
    leftOn: canonicalDate.optional(),
  }),
  'business-license': z.strictObject({
    creditCode: canonicalCreditCode,
    name: organisationName,
    operator: personRef,
    address,
    registeredOn: canonicalDate,
    revokedOn: canonicalDate.optional(),
  }),
  'permit-application': z.strictObject({
    applicant: personRef,
    cityDivisionCode: canonicalDivisionCode,
    address,
    claims: z.array(z.enum(PERMIT_CLAIMS)).min(1),
    channel: z.enum(APPLICATION_CHANNELS),
    submittedOn: canonicalDate,
  }),
  'residence-permit': z.strictObject({
    permitNumber: canonicalDocumentNumber,
    holder: personRef,
    issuingDivisionCode: canonicalDivisionCode,
    applicationId: z
      .string()
      .regex(/^permit-application:[A-Za-z0-9_-]{22}$/)
      .optional(),
    issuedOn: canonicalDate,
    endorsedUntil: canonicalDate,
    status: z.enum(PERMIT_STATUSES),
    endorsements: z
      .array(z.strictObject({ endorsedOn: canonicalDate, endorsedUntil: canonicalDate }))
      .optional(),
  }),
  'card-link': z.strictObject({
    permitNumber: canonicalDocumentNumber,
    holder: personRef,
    cardType: z.enum(CARD_TYPES),
    cardNumber: canonicalDocumentNumber,
    divisionCode: canonicalDivisionCode,
    linkedOn: canonicalDate,
    unlinkedOn: canonicalDate.optional(),
  }),
} as const satisfies Record<RecordKind, z.ZodObject>;

// Both directions: a field added to, dropped from or retyped in a kind without this file following breaks the build.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const outputsMatchKinds: {
  [K in RecordKind]: Same<z.output<(typeof CANONICAL_RECORD_SCHEMAS)[K]>, CanonicalRecords[K]>;
} = {
  'residence-registration': true,
  'residence-departure': true,
  'rental-property': true,
  tenancy: true,
  employment: true,
  'social-insurance': true,
  schooling: true,
  'business-license': true,
  'permit-application': true,
  'residence-permit': true,
  'card-link': true,
};
void outputsMatchKinds;
