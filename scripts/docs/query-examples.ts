import {
  DELIVERY_OUTCOMES,
  type DeliveriesResponse,
  type DeliveryOutcome,
  noDeliveries,
} from '#api/deliveries-api.ts';
import type {
  AuditTrailResponse,
  DivisionStatsResponse,
  PermitVerificationRequest,
  PermitVerificationResponse,
  PersonLookupRequest,
  PersonLookupResponse,
} from '#api/query-api.ts';
import { addDays } from '#domain/dates.ts';
import { departmentLookupView, returnedFields } from '#domain/department-view.ts';
import { DEFAULT_ELIGIBILITY_CONFIG, evaluateEligibility } from '#domain/eligibility.ts';
import { DEFAULT_PERMIT_CONFIG, verifyPermits } from '#domain/permit.ts';
import { personKeyOf } from '#domain/person-key.ts';
import { scorePoints } from '#domain/points.ts';
import { POINTS_TABLES, pointsTableFor } from '#domain/points-config.ts';
import { buildPersonProfile, type ProfileSource } from '#domain/profile.ts';
import { DEFAULT_STATS_CONFIG, statsView } from '#domain/stats.ts';
import { type Department, type EventKind, SAMPLE_RECORDS, sampleRecordId } from '#events/index.ts';

/*
 * The examples of the department read API, built by the code that builds the real answers (domain/): the
 * catalogue's sample person (events/samples.ts) with a registration, a lease, a job, insurance and a residence
 * permit, merged into
 * a profile, evaluated and cut for a department as the look-up does. Fixed inputs, so the document is stable.
 */

/** The day the examples are evaluated as of: seven months after the sample move-in. */
export const EXAMPLE_AS_OF = '2026-08-01';
const EXAMPLE_SECRET = 'example-person-key-secret';
const UPDATED_AT = '2026-03-01T08:00:00.000Z';

// Zhang Wei: the sample registration's and lease's person; the sample job and insurance are given to him too.
const subject = SAMPLE_RECORDS.tenancy.tenant as { idNumber: string; name: string; phone: string };

export const EXAMPLE_ID_NUMBER: string = subject.idNumber;

const source = (kind: EventKind, record: Record<string, unknown>) =>
  ({ recordId: sampleRecordId(kind), kind, version: 1, record, updatedAt: UPDATED_AT }) as ProfileSource;

const sources = [
  source('residence-registration', SAMPLE_RECORDS['residence-registration']),
  source('tenancy', SAMPLE_RECORDS.tenancy),
  source('employment', { ...SAMPLE_RECORDS.employment, person: subject }),
  source('social-insurance', { ...SAMPLE_RECORDS['social-insurance'], person: subject }),
  source('permit-application', SAMPLE_RECORDS['permit-application']),
  source('residence-permit', SAMPLE_RECORDS['residence-permit']),
  source('card-link', SAMPLE_RECORDS['card-link']),
];

const personKey = personKeyOf(EXAMPLE_ID_NUMBER, EXAMPLE_SECRET);
const profile = buildPersonProfile(personKey, sources);

/** The look-up answer to `department`, as functions/query/lookup.ts composes it. */
export function exampleLookup(department: Department): PersonLookupResponse {
  const eligibility = evaluateEligibility(profile, EXAMPLE_AS_OF, DEFAULT_ELIGIBILITY_CONFIG);
  const table =
    eligibility.city === undefined
      ? undefined
      : pointsTableFor(eligibility.city.padEnd(6, '0'), POINTS_TABLES);
  const points = table === undefined ? undefined : scorePoints(profile, EXAMPLE_AS_OF, table);
  // Typed loosely by derive/ (a projection); test/unit/docs validates it against the schema.
  const permit = exampleVerification();
  return departmentLookupView(
    { idNumber: EXAMPLE_ID_NUMBER, profile, eligibility, points, permit },
    department,
  ) as PersonLookupResponse;
}

/** What POST /v1/permits/verify answers for the sample person on the example day. */
export const exampleVerification = () => verifyPermits(profile.permits, EXAMPLE_AS_OF, DEFAULT_PERMIT_CONFIG);

export const EXAMPLE_VERIFY_REQUESTS = {
  byIdNumber: { idNumber: EXAMPLE_ID_NUMBER },
  byPermitNumber: {
    permitNumber: String(SAMPLE_RECORDS['residence-permit'].permitNumber),
    asOf: EXAMPLE_AS_OF,
  },
} satisfies Record<string, PermitVerificationRequest>;

/** The answers of POST /v1/permits/verify: in force, lapsed a day after its endorsement, never issued. */
export function exampleVerifications(): Record<
  string,
  { summary: string; value: PermitVerificationResponse }
> {
  const endorsedUntil = profile.permits[0]?.endorsedUntil ?? EXAMPLE_AS_OF;
  return {
    valid: { summary: 'In force on the day', value: exampleVerification() },
    suspended: {
      summary: 'The day after its endorsement lapsed',
      value: verifyPermits(profile.permits, addDays(endorsedUntil, 1), DEFAULT_PERMIT_CONFIG),
    },
    none: {
      summary: 'No permit (or an unknown number)',
      value: verifyPermits([], EXAMPLE_AS_OF, DEFAULT_PERMIT_CONFIG),
    },
  };
}

export const EXAMPLE_LOOKUP_REQUESTS = {
  today: { idNumber: EXAMPLE_ID_NUMBER },
  asOf: { idNumber: EXAMPLE_ID_NUMBER, asOf: EXAMPLE_AS_OF },
} satisfies Record<string, PersonLookupRequest>;

// Counters of a county (functions/adapters/stats-store.ts sums them per division), illustrative numbers that add up.
const EXAMPLE_DIVISION = '330106';
const EXAMPLE_COUNTERS = new Map(
  Object.entries({
    registered: 1842,
    'residenceType:rented': 1311,
    'residenceType:owned': 203,
    'residenceType:employer-dormitory': 248,
    'residenceType:lodging': 61,
    'residenceType:other': 19,
    employed: 1520,
    notEmployed: 322,
    insured: 1377,
    uninsured: 465,
    schooling: 214,
    'movedIn:2026-05': 300,
    'movedIn:2025-12': 420,
    'movedIn:2024-06': 610,
    'movedIn:2022-03': 390,
    'movedIn:2019-01': 122,
    'registeredInYear:2025': 2210,
    'registeredInYear:2026': 905,
    'applicationPending:2026-07-30': 12,
    'applicationPending:2026-07-10': 3,
    'issuedAfterDays:9': 160,
    'issuedAfterDays:14': 41,
    'issuedAfterDays:20': 2,
  }),
);

/** The statistics answer of a county, from the counters above. */
export function exampleStats(): DivisionStatsResponse {
  // byResidenceType is a Record<string, number> in derive/; validated against the schema by test/unit/docs.
  return {
    ...statsView(
      EXAMPLE_COUNTERS,
      EXAMPLE_DIVISION,
      EXAMPLE_AS_OF,
      DEFAULT_STATS_CONFIG,
      DEFAULT_PERMIT_CONFIG,
    ),
    asOf: EXAMPLE_AS_OF,
  } as DivisionStatsResponse;
}

const cursorOf = (sortKey: string): string => Buffer.from(sortKey, 'utf8').toString('base64url');

/** A page of the health department's trail: a look-up that found the person, one that did not, a verification. */
export function exampleAuditTrail(): AuditTrailResponse {
  const department: Department = 'health';
  const first = {
    at: '2026-08-01T01:15:42.318Z',
    department,
    submitterId: 'dept-health-xihu',
    personKey,
    found: true,
    operation: 'lookup' as const,
    fields: returnedFields(exampleLookup(department)),
    requestId: 'Kx7mEhRZoAMEMbw=',
  };
  const second = {
    at: '2026-08-01T01:17:05.902Z',
    department,
    submitterId: 'dept-health-xihu',
    personKey: personKeyOf('410527198805124538', EXAMPLE_SECRET),
    found: false,
    operation: 'lookup' as const,
    fields: [],
    requestId: 'Kx7zPjR4oAMEP3Q=',
  };
  const third = {
    at: '2026-08-01T01:20:11.054Z',
    department,
    submitterId: 'dept-health-xihu',
    personKey,
    found: true,
    operation: 'verify' as const,
    fields: returnedFields(exampleVerification()),
    requestId: 'Kx8AqhR2oAMEQ1w=',
  };
  return {
    department,
    entries: [first, second, third],
    nextCursor: cursorOf(`${third.at}#3f2b8c1e-6d4a-4e0b-9a57-1c2d3e4f5a6b`),
  };
}

/** A delivery log answer: a city bureau that joined by backfill, with one redriven message. */
export function exampleDeliveries(): DeliveriesResponse {
  const row = (eventType: string, counts: Partial<Record<DeliveryOutcome, number>>) => ({
    day: '2026-11-02',
    eventType,
    ...noDeliveries(),
    ...counts,
  });
  const days = [
    row('ResidenceRegistration.Created', {
      delivered: 1840,
      deadLettered: 1,
      redriven: 1,
      backfilled: 52_300,
    }),
    row('Tenancy.Updated', { delivered: 412, backfilled: 8_120 }),
  ];
  const totals = noDeliveries();
  for (const day of days) for (const outcome of DELIVERY_OUTCOMES) totals[outcome] += day[outcome];
  return { subscriber: 'public-security@3301', from: '2026-11-01', to: '2026-11-30', days, totals };
}
