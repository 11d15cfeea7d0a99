import { z } from 'zod';
import { SOURCE } from './catalogue.ts';
import { divisionCodeSchema, personKeySchema, recordIdSchema } from './payload.ts';
import { SMOKE_SUBMITTER_ID } from './smoke.ts';

/*
 * Events of the derived services (functions/derive): a person's merged profile changed, their residence
 * permit eligibility changed, or a permit's endorsement fell due or lapsed. They go on the same bus as the
 * change events but with their own source, so the derive rule (source `residence-data-hub`) never matches its
 * own output and no department subscription (which names record detail-types) receives them unless it asks
 * for them. They carry no personal data beyond the pseudonymous personKey: a consumer that needs the view
 * asks the look-up API.
 */

/** The EventBridge `source` of derived events. */
export const DERIVED_SOURCE = 'residence-data-hub.derived';

/**
 * The derive function's rule (deployed by infra, run by the local hub): every record change about a person,
 * but no smoke test (smoke.ts: profiles and statistics never count it). Derived events have their own source
 * (DERIVED_SOURCE), so they never come back to it.
 */
export const DERIVE_EVENT_PATTERN: {
  source: [typeof SOURCE];
  detail: {
    personKey: [{ exists: true }];
    submittedBy: { submitterId: [{ 'anything-but': typeof SMOKE_SUBMITTER_ID }] };
  };
} = {
  source: [SOURCE],
  detail: {
    personKey: [{ exists: true }],
    submittedBy: { submitterId: [{ 'anything-but': SMOKE_SUBMITTER_ID }] },
  },
};

export const DERIVED_DETAIL_TYPES = {
  profileUpdated: 'PersonProfile.Updated',
  eligibilityChanged: 'PermitEligibility.Changed',
  endorsementDue: 'ResidencePermit.EndorsementDue',
  permitSuspended: 'ResidencePermit.Suspended',
} as const;

export type DerivedDetailType = (typeof DERIVED_DETAIL_TYPES)[keyof typeof DERIVED_DETAIL_TYPES];

/** The permit conditions (居住证暂行条例 art. 2), as domain/eligibility.ts names them. */
export const ELIGIBILITY_CONDITIONS = [
  'residence6Months',
  'awayFromHukou',
  'employment',
  'housing',
  'schooling',
] as const;

/** The lists of a person profile (domain/profile.ts), named in `changedSections`. */
export const PROFILE_SECTIONS = [
  'person',
  'residences',
  'tenancies',
  'employments',
  'insurances',
  'schooling',
  'businessLicenses',
  'departures',
  'applications',
  'permits',
  'cardLinks',
] as const;

/** The derived events' contract major version, as `schemaVersion` of the change events (docs/versioning.md). */
export const DERIVED_EVENT_SCHEMA_VERSION = 1;

const calendarDate = z.iso.date();
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hex digest');

/**
 * `PersonProfile.Updated`: the content of a person's profile changed (its hash differs). `id` is
 * `<personKey>:<version>`, stable across redeliveries; `version` orders the updates of one person.
 */
export const profileUpdatedDetailSchema = z
  .strictObject({
    id: z.string().min(1),
    schemaVersion: z.literal(DERIVED_EVENT_SCHEMA_VERSION),
    personKey: personKeySchema,
    version: z.int().min(1),
    profileHash: sha256Hex,
    /** Absent for the first profile of a person. */
    previousProfileHash: sha256Hex.optional(),
    changedSections: z.array(z.enum(PROFILE_SECTIONS)),
    /** The division of the person's most recent residence registration, for content filters. */
    divisionCode: divisionCodeSchema.optional(),
    occurredAt: z.iso.datetime({ offset: true }),
  })
  .superRefine((detail, ctx) => {
    if (detail.id !== `${detail.personKey}:${detail.version}`) {
      ctx.addIssue({ code: 'custom', path: ['id'], message: 'id must be "<personKey>:<version>"' });
    }
  });

export type ProfileUpdatedDetail = z.infer<typeof profileUpdatedDetailSchema>;

const eligibilityOutcome = z.strictObject({
  eligible: z.boolean(),
  eligibleFrom: calendarDate.optional(),
  met: z.array(z.enum(ELIGIBILITY_CONDITIONS)),
});

/**
 * `PermitEligibility.Changed`: the outcome of the permit conditions changed (eligibility, eligibleFrom, the
 * city, the start of the residence, or any condition's met flag). `cause` says whether new records or the
 * passing of time (the daily evaluation) changed it. `previous` is absent for a person's first evaluation.
 */
export const eligibilityChangedDetailSchema = z
  .strictObject({
    id: z.string().min(1),
    schemaVersion: z.literal(DERIVED_EVENT_SCHEMA_VERSION),
    personKey: personKeySchema,
    version: z.int().min(1),
    asOf: calendarDate,
    eligible: z.boolean(),
    eligibleFrom: calendarDate.optional(),
    /** Division prefix of the residence area (4 digits for a city). */
    city: z
      .string()
      .regex(/^\d{2,6}$/)
      .optional(),
    met: z.array(z.enum(ELIGIBILITY_CONDITIONS)),
    missing: z.array(z.enum(ELIGIBILITY_CONDITIONS)),
    previous: eligibilityOutcome.optional(),
    cause: z.enum(['records', 'time']),
    occurredAt: z.iso.datetime({ offset: true }),
  })
  .superRefine((detail, ctx) => {
    if (detail.id !== `${detail.personKey}:${detail.version}`) {
      ctx.addIssue({ code: 'custom', path: ['id'], message: 'id must be "<personKey>:<version>"' });
    }
  });

export type EligibilityChangedDetail = z.infer<typeof eligibilityChangedDetailSchema>;

/**
 * `ResidencePermit.EndorsementDue` (the endorsement lapses within the notice days, 30 by default) and
 * `ResidencePermit.Suspended` (the day after `endorsedUntil` passed unendorsed: its functions are suspended
 * until it is endorsed, 居住证暂行条例). `id` is `<recordId>:<version>`: the permit's record and the
 * profile version that noticed it, stable across redeliveries. No permit number: it identifies the holder.
 */
export const permitNoticeDetailSchema = z
  .strictObject({
    id: z.string().min(1),
    schemaVersion: z.literal(DERIVED_EVENT_SCHEMA_VERSION),
    personKey: personKeySchema,
    version: z.int().min(1),
    recordId: recordIdSchema,
    asOf: calendarDate,
    endorsedUntil: calendarDate,
    /** The issuing bureau's county, for content filters. */
    divisionCode: divisionCodeSchema,
    cause: z.enum(['records', 'time']),
    occurredAt: z.iso.datetime({ offset: true }),
  })
  .superRefine((detail, ctx) => {
    if (!detail.recordId.startsWith('residence-permit:')) {
      ctx.addIssue({ code: 'custom', path: ['recordId'], message: 'recordId must be a residence permit' });
    }
    if (detail.id !== `${detail.recordId}:${detail.version}`) {
      ctx.addIssue({ code: 'custom', path: ['id'], message: 'id must be "<recordId>:<version>"' });
    }
  });

export type PermitNoticeDetail = z.infer<typeof permitNoticeDetailSchema>;

export const DERIVED_DETAIL_SCHEMAS = {
  [DERIVED_DETAIL_TYPES.profileUpdated]: profileUpdatedDetailSchema,
  [DERIVED_DETAIL_TYPES.eligibilityChanged]: eligibilityChangedDetailSchema,
  [DERIVED_DETAIL_TYPES.endorsementDue]: permitNoticeDetailSchema,
  [DERIVED_DETAIL_TYPES.permitSuspended]: permitNoticeDetailSchema,
} as const;

/** Ready for `PutEventsCommand({ Entries: [entry] })`. */
export interface DerivedEventEntry {
  Source: typeof DERIVED_SOURCE;
  DetailType: DerivedDetailType;
  Detail: string;
  EventBusName?: string;
}

type DetailOf<T extends DerivedDetailType> = T extends typeof DERIVED_DETAIL_TYPES.profileUpdated
  ? ProfileUpdatedDetail
  : T extends typeof DERIVED_DETAIL_TYPES.eligibilityChanged
    ? EligibilityChangedDetail
    : PermitNoticeDetail;

/**
 * One derived event, its detail (stamped with the schema version) validated against the contract (a ZodError
 * means a bug: never publish it).
 */
export function buildDerivedEvent<T extends DerivedDetailType>(
  detailType: T,
  detail: Omit<DetailOf<T>, 'schemaVersion'>,
  eventBusName?: string,
): DerivedEventEntry {
  const { id, ...rest } = detail;
  const parsed = DERIVED_DETAIL_SCHEMAS[detailType].parse({
    id,
    schemaVersion: DERIVED_EVENT_SCHEMA_VERSION,
    ...rest,
  });
  return {
    Source: DERIVED_SOURCE,
    DetailType: detailType,
    Detail: JSON.stringify(parsed),
    ...(eventBusName === undefined ? {} : { EventBusName: eventBusName }),
  };
}
