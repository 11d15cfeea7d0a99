import { z } from 'zod';
// Departments are the event subscriptions' names; events/ depends on schemas/index.ts only, never on this file.
import { DEPARTMENTS } from '#events/subscriptions.ts';
import {
  canonicalAddressDetail,
  canonicalCreditCode,
  canonicalDate,
  canonicalDivisionCode,
  canonicalEthnicity,
  canonicalIdNumber,
  canonicalPersonName,
  canonicalPhone,
} from '../schemas/canonical.ts';
import { valueIssue } from '../schemas/errors.ts';
import { calendarDate } from '../schemas/values/date.ts';
import { divisionCode } from '../schemas/values/division-code.ts';
import { documentNumber } from '../schemas/values/document-number.ts';
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
  type ResidenceType,
  SCHOOL_STAGES,
} from '../schemas/values/enums.ts';
import { idNumber } from '../schemas/values/id-number.ts';

/*
 * The department-facing read API (functions/query): the request of `POST /v1/persons/lookup`, the query
 * parameters of `GET /v1/stats` and `GET /v1/audit`, and the three answers. The handlers parse their requests
 * with these schemas; their answers are typed by domain/ and functions/adapters/, which
 * functions/query/response-contract.ts checks against the answer schemas here at compile time (the same
 * fields) and test/unit/docs at run time (the same values). docs/openapi.json is built from them.
 */

const department = z.enum(DEPARTMENTS).meta({ description: 'A department of the hub (its queue’s name).' });

const count = z.int().min(0);

const recordId = z
  .string()
  .regex(/^[a-z-]+:[A-Za-z0-9_-]{22}$/)
  .meta({ description: "The hub's id of a record: `<kind>:` and 22 base64url characters." });

const personKey = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .meta({
    description:
      "The hub's pseudonymous key of the person (HMAC-SHA256 of the ID number with the hub's secret).",
  });

/** The routes of the department read API (the query function), as API Gateway's route keys name them. */
export const QUERY_ROUTES = {
  lookup: { method: 'POST', path: '/v1/persons/lookup' },
  verify: { method: 'POST', path: '/v1/permits/verify' },
  stats: { method: 'GET', path: '/v1/stats' },
  audit: { method: 'GET', path: '/v1/audit' },
  deliveries: { method: 'GET', path: '/v1/deliveries' },
} as const;

// ---- POST /v1/persons/lookup ----------------------------------------------------------------------------

/**
 * The look-up request: the ID number travels in the body, never in a URL (logs, caches). `asOf` asks for
 * the eligibility and points on another day (e.g. the day of an application); default today.
 */
export const personLookupRequest = z
  .strictObject({
    idNumber: idNumber.meta({
      description:
        'The resident ID number (GB 11643), 18 characters (a 15-digit legacy number is upgraded). Never echoed.',
    }),
    asOf: calendarDate.optional().meta({
      description: 'The day eligibility and points are evaluated for, YYYY-MM-DD. Default: today (China).',
    }),
  })
  .meta({ description: 'Whom to look up, and as of which day.' });

export type PersonLookupRequest = z.output<typeof personLookupRequest>;

// A department sees only some fields of a profile, so every field below is optional.
const listItem = <S extends z.core.$ZodLooseShape>(shape: S, description: string) =>
  z.array(z.strictObject(shape).partial()).optional().meta({ description });

export const profileView = z
  .strictObject({
    person: z
      .strictObject({
        idNumber: canonicalIdNumber,
        name: canonicalPersonName,
        gender: z.enum(GENDERS),
        birthDate: canonicalDate,
        ethnicity: canonicalEthnicity,
        phone: canonicalPhone,
        hukouDivisionCode: canonicalDivisionCode,
        educationLevel: z.enum(EDUCATION_LEVELS),
      })
      .partial()
      .meta({ description: 'The person, most recent registration first, field by field.' }),
    residences: listItem(
      {
        recordId,
        divisionCode: canonicalDivisionCode,
        detail: canonicalAddressDetail,
        residenceType: z.enum(RESIDENCE_TYPES),
        reason: z.enum(RESIDENCE_REASONS),
        movedInOn: canonicalDate,
        movedOutOn: canonicalDate,
      },
      'Residence registrations (residence-registration records).',
    ),
    tenancies: listItem(
      {
        recordId,
        divisionCode: canonicalDivisionCode,
        detail: canonicalAddressDetail,
        startsOn: canonicalDate,
        endsOn: canonicalDate,
        endedOn: canonicalDate,
      },
      'Leases as tenant (tenancy records).',
    ),
    employments: listItem(
      {
        recordId,
        employerCreditCode: canonicalCreditCode,
        employerName: z.string().min(1),
        divisionCode: canonicalDivisionCode,
        contractType: z.enum(CONTRACT_TYPES),
        startsOn: canonicalDate,
        endsOn: canonicalDate,
        endedOn: canonicalDate,
      },
      'Jobs (employment records).',
    ),
    insurances: listItem(
      {
        recordId,
        insuranceType: z.enum(INSURANCE_TYPES),
        divisionCode: canonicalDivisionCode,
        startedOn: canonicalDate,
        stoppedOn: canonicalDate,
      },
      'Social insurance (social-insurance records).',
    ),
    schooling: listItem(
      {
        recordId,
        schoolName: z.string().min(1),
        divisionCode: canonicalDivisionCode,
        stage: z.enum(SCHOOL_STAGES),
        enrolledOn: canonicalDate,
        leftOn: canonicalDate,
      },
      'Enrolments as student (schooling records).',
    ),
    businessLicenses: listItem(
      {
        recordId,
        creditCode: canonicalCreditCode,
        name: z.string().min(1),
        divisionCode: canonicalDivisionCode,
        registeredOn: canonicalDate,
        revokedOn: canonicalDate,
      },
      'Business licences as operator (business-license records).',
    ),
    departures: listItem(
      {
        recordId,
        divisionCode: canonicalDivisionCode,
        movedOutOn: canonicalDate,
        destinationDivisionCode: canonicalDivisionCode,
      },
      'Departures filed (residence-departure records).',
    ),
    applications: listItem(
      {
        recordId,
        cityDivisionCode: canonicalDivisionCode,
        divisionCode: canonicalDivisionCode,
        claims: z.array(z.enum(PERMIT_CLAIMS)),
        channel: z.enum(APPLICATION_CHANNELS),
        submittedOn: canonicalDate,
      },
      'Applications for a residence permit (permit-application records); divisionCode: the county of residence.',
    ),
    permits: listItem(
      {
        recordId,
        issuingDivisionCode: canonicalDivisionCode,
        applicationId: recordId,
        issuedOn: canonicalDate,
        endorsedUntil: canonicalDate,
        status: z.enum(PERMIT_STATUSES),
        endorsements: z.array(z.strictObject({ endorsedOn: canonicalDate, endorsedUntil: canonicalDate })),
      },
      'Residence permits (residence-permit records), without their numbers; status as public security ' +
        'recorded it (a lapsed endorsement shows in `permit`).',
    ),
    cardLinks: listItem(
      {
        recordId,
        cardType: z.enum(CARD_TYPES),
        divisionCode: canonicalDivisionCode,
        linkedOn: canonicalDate,
        unlinkedOn: canonicalDate,
      },
      'Cards linked to the permit (card-link records), without the card numbers.',
    ),
  })
  .meta({
    description:
      "The person's profile cut to what the caller's department receives in its own queue: a list appears " +
      'when the department subscribes to its kind, a field when it receives the record field it comes from.',
  });

const evidence = z
  .array(recordId)
  .meta({ description: 'The records that satisfy the condition, of the kinds the department receives.' });

export const eligibilityView = z
  .strictObject({
    asOf: canonicalDate,
    eligible: z.boolean(),
    eligibleFrom: canonicalDate.optional().meta({
      description:
        'Eligible: the day the current eligibility began. Not eligible: the first later day the known ' +
        'records make the person eligible, if any.',
    }),
    conditions: z.strictObject({
      residence6Months: z
        .strictObject({
          met: z.boolean(),
          requiredMonths: z.int().min(1),
          monthsResided: count.optional(),
          since: canonicalDate.optional(),
          reachedOn: canonicalDate.optional(),
          evidence,
        })
        .meta({
          description:
            'Registered residence in the area for the required months; the months and dates only for a ' +
            'department that sees the residences’ move-in dates.',
        }),
      awayFromHukou: z
        .strictObject({ met: z.boolean(), hukouDivisionCode: canonicalDivisionCode.optional() })
        .meta({ description: 'Living away from the household registration (hukou).' }),
      employment: z
        .strictObject({ met: z.boolean(), evidence })
        .meta({ description: 'A labour contract or a business licence.' }),
      housing: z
        .strictObject({ met: z.boolean(), evidence })
        .meta({ description: 'A legal stable residence: own home, employer dormitory or a lease.' }),
      schooling: z.strictObject({ met: z.boolean(), evidence }).meta({ description: 'An active enrolment.' }),
    }),
  })
  .meta({
    description:
      'Residence-permit eligibility (居住证暂行条例 art. 2), evaluated as of the day asked for. Every ' +
      "condition's `met` is shown to every department; its details only where the department sees their inputs.",
  });

/** The indicators of a points table (domain/points-config.ts PointsIndicator). */
export const POINTS_INDICATORS = [
  'residenceYears',
  'insuranceMonths',
  'educationLevel',
  'homeOwnership',
  'permitHeld',
  'permitYears',
] as const;

/** Why a permit does not serve (domain/permit.ts VerificationReason). */
export const VERIFICATION_REASONS = ['suspended', 'revoked', 'lost', 'none'] as const;

export const permitVerificationResponse = z
  .strictObject({
    valid: z
      .boolean()
      .meta({ description: 'True: a permit in force (issued, valid, endorsement not lapsed).' }),
    endorsedUntil: canonicalDate.optional().meta({ description: 'The last day its endorsement covers.' }),
    city: canonicalDivisionCode
      .optional()
      .meta({ description: 'The city (division code) of the public-security bureau that issued it.' }),
    reason: z
      .enum(VERIFICATION_REASONS)
      .optional()
      .meta({
        description:
          'Why not valid: suspended (by public security, or its endorsement lapsed: 居住证暂行条例), ' +
          'revoked, lost, or none (no permit issued by that day).',
      }),
  })
  .meta({ description: "A permit's validity for a service (凭证服务): these four fields and nothing else." });

export type PermitVerificationResponse = z.output<typeof permitVerificationResponse>;

// ---- POST /v1/permits/verify ------------------------------------------------------------------------------

/**
 * Whose permit to check: the holder's ID number or the permit's number (one of the two), both in the body,
 * never in a URL. `asOf` asks about another day (the day a service was granted); default today.
 */
export const permitVerificationRequest = z
  .strictObject({
    idNumber: idNumber.optional().meta({
      description: "The holder's resident ID number (GB 11643). Never echoed.",
    }),
    permitNumber: documentNumber.optional().meta({
      description:
        "The permit's number as printed on it (居住证编号; spaces and hyphens ignored). Never echoed.",
    }),
    asOf: calendarDate.optional().meta({
      description: 'The day the permit must be valid on, YYYY-MM-DD. Default: today (China).',
    }),
  })
  .superRefine((request, ctx) => {
    if ((request.idNumber === undefined) === (request.permitNumber === undefined))
      ctx.addIssue(
        valueIssue('ONE_OF_REQUIRED', {
          received: request.idNumber === undefined ? 'neither' : 'both',
          accepted: 'idNumber or permitNumber',
        }),
      );
  })
  .meta({ description: 'Whose permit to check (idNumber or permitNumber), and on which day.' });

export type PermitVerificationRequest = z.output<typeof permitVerificationRequest>;

export const pointsView = z
  .strictObject({
    city: z
      .string()
      .regex(/^\d{2,6}$/)
      .meta({ description: 'The division prefix of the table, e.g. 3301.' }),
    asOf: canonicalDate,
    example: z.boolean().meta({ description: 'True: the table is an EXAMPLE, not an official one.' }),
    total: z.number().min(0),
    breakdown: z.array(
      z.strictObject({
        indicator: z.enum(POINTS_INDICATORS),
        points: z.number().min(0),
        cap: z.number().min(0),
        value: z.union([z.number(), z.string(), z.boolean()]).optional().meta({
          description: 'What was measured; only where the department sees the input.',
        }),
        explanation: z.string().optional(),
      }),
    ),
  })
  .meta({ description: "Points (积分) under the city's table, one explained line per indicator." });

export const personLookupResponse = z
  .strictObject({
    personKey,
    profile: profileView,
    eligibility: eligibilityView,
    points: pointsView.nullable().meta({ description: "null: no points table for the person's city." }),
    permit: permitVerificationResponse.meta({
      description:
        'Whether the person holds a permit in force on the day: what POST /v1/permits/verify answers.',
    }),
  })
  .meta({ description: 'One person as the calling department may see them.' });

export type PersonLookupResponse = z.output<typeof personLookupResponse>;

// ---- GET /v1/stats ----------------------------------------------------------------------------------------

export const statsQuery = z.strictObject({
  division: divisionCode.meta({
    description: 'A province (330000), city (330100) or county (330106) code of the dated division list.',
  }),
  asOf: calendarDate.optional().meta({
    description: 'The day lengths of residence and the coordinator ratio are computed for. Default: today.',
  }),
});

export const divisionStatsResponse = z
  .strictObject({
    division: canonicalDivisionCode,
    asOf: canonicalDate,
    registered: count.meta({ description: 'Migrants with a registration in force in the division.' }),
    byResidenceType: z
      .strictObject(
        Object.fromEntries(RESIDENCE_TYPES.map((type) => [type, count])) as Record<
          ResidenceType,
          typeof count
        >,
      )
      .meta({ description: 'Of them, by residence type (every type, 0 when none).' }),
    employment: z.strictObject({ employed: count, notEmployed: count }),
    insurance: z.strictObject({ insured: count, uninsured: count }),
    schooling: count.meta({ description: 'Of them, enrolled in a school.' }),
    lengthOfResidence: z
      .strictObject({
        under6Months: count,
        sixTo12Months: count,
        oneTo3Years: count,
        threeTo5Years: count,
        over5Years: count,
      })
      .meta({ description: 'By whole calendar months from the move-in month to the month of asOf.' }),
    coordinatorsRequired: count.meta({
      description: "Coordinators (协管员): the previous calendar year's registrations / 800, rounded up.",
    }),
    permitIssuance: z
      .strictObject({
        pending: count.meta({ description: 'Applications no permit answers yet, filed by the day.' }),
        overdue: count.meta({ description: 'Of them, past the issuance deadline on the day.' }),
        issued: count.meta({ description: 'Applications answered by a permit.' }),
        issuedLate: count.meta({ description: 'Of them, answered after the deadline.' }),
        deadlineDays: z
          .int()
          .min(1)
          .meta({ description: 'The issuance deadline, days after the application.' }),
      })
      .meta({
        description:
          'Permit issuance for the performance assessment (绩效考核), by the county of the applicant’s residence ' +
          '(whose public-security bureau issues): applications and how soon permits answered them.',
      }),
  })
  .meta({ description: 'The survey statistics (调查摸底) of a province, city or county.' });

export type DivisionStatsResponse = z.output<typeof divisionStatsResponse>;

// ---- GET /v1/audit ----------------------------------------------------------------------------------------

const moment = z.union([z.iso.date(), z.iso.datetime()]);

/** The audit query; the handler adds the check that a cursor is one it issued. */
export const auditQuery = z.strictObject({
  department: department
    .optional()
    .meta({ description: "Whose trail. Default: the caller's own department." }),
  from: moment.meta({
    description: 'The first day (YYYY-MM-DD) or UTC moment (ISO) to include.',
  }),
  to: moment
    .optional()
    .meta({ description: 'The last day (all of it) or moment to include. Default: no end.' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .meta({ description: 'Entries per page. Default: 100.' }),
  cursor: z.string().optional().meta({ description: "The previous page's nextCursor, unchanged." }),
});

/** The read operations that leave an audit entry (functions/adapters/audit-store.ts). */
export const AUDITED_OPERATIONS = ['lookup', 'verify'] as const;

export const auditEntry = z
  .strictObject({
    at: z.iso.datetime().meta({ description: 'When the look-up was answered (UTC).' }),
    department,
    submitterId: z.string().min(1).meta({ description: "The caller's submitter id." }),
    personKey,
    found: z.boolean().meta({
      description: 'Whether a profile (look-up) or a permit (verification) was found: a miss is audited too.',
    }),
    operation: z
      .enum(AUDITED_OPERATIONS)
      .optional()
      .meta({
        description:
          'lookup: POST /v1/persons/lookup; verify: POST /v1/permits/verify. For a verification by a permit ' +
          'number no one holds, personKey is the keyed hash of that number (the same for every try).',
      }),
    fields: z.array(z.string()).meta({
      description:
        'The paths of the fields returned, list items folded (profile.residences[].detail); empty for a ' +
        'miss. Values never appear.',
    }),
    requestId: z.string().optional().meta({ description: 'The API request id, to match access logs.' }),
  })
  .meta({
    description:
      'One look-up or verification: who asked, when, about which person, and which fields were returned.',
  });

export const auditTrailResponse = z
  .strictObject({
    department,
    entries: z.array(auditEntry).meta({ description: 'Oldest first.' }),
    nextCursor: z
      .string()
      .optional()
      .meta({ description: 'Pass as cursor for the next page; absent on the last.' }),
  })
  .meta({ description: "A page of a department's look-up audit trail." });

export type AuditTrailResponse = z.output<typeof auditTrailResponse>;
