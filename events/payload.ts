import { z } from 'zod';
import { CHANGES, detailTypeOf } from './catalogue.ts';
import { EVENT_KINDS, type EventKind } from './kinds.ts';

/**
 * Change-event detail, schema version 1 (docs/versioning.md).
 *
 * @example
 * { "id": "tenancy:Q2hhbmdlRXZlbnRzVjEx:2", "schemaVersion": 1, "kind": "tenancy", "change": "updated",
 *   "recordId": "tenancy:Q2hhbmdlRXZlbnRzVjEx", "version": 2, "personKey": "<64 hex>",
 *   "divisionCode": "330106", "occurredAt": "2026-03-01T08:00:00.000Z",
 *   "submittedBy": { "role": "landlord", "submitterId": "L-0001" }, "record": { … canonical fields … } }
 *
 * `id` (`<recordId>:<version>`) is stable across redeliveries, so consumers de-duplicate on it;
 * `version` lets them drop stale updates, since delivery order is not guaranteed. `schemaVersion` is the
 * contract's major version: compatible changes (a new optional field, a new detail-type, a new enum value) keep
 * it; a breaking change ships as new detail-types whose events carry the next one (docs/versioning.md).
 */
export const CHANGE_EVENT_SCHEMA_VERSION = 1;

/** HMAC-SHA256 hex of the normalised ID number: stable, not reversible without the key. */
export const personKeySchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'personKey must be 64 lowercase hex digits');

/** 6-digit county-level division code (GB/T 2260), the routing key of the content filters. */
export const divisionCodeSchema = z.string().regex(/^\d{6}$/, 'divisionCode must be 6 digits');

/** `<kind>:` + 22 base64url characters (domain/record-id.ts). */
export const recordIdSchema = z
  .string()
  .regex(/^[a-z-]+:[A-Za-z0-9_-]{22}$/, 'recordId must be <kind>:<22 base64url>');

export const submittedBySchema = z.strictObject({
  /** landlord, property-manager, agency, employer, school, department or resident (DESIGN.md §6). */
  role: z.string().min(1),
  submitterId: z.string().min(1),
});

/**
 * The canonical record of one kind. Kept loose until schemas/ exports the per-kind canonical schemas;
 * then each kind's entry here becomes that kind's schema.
 */
export const recordPayloadSchemas = Object.fromEntries(
  EVENT_KINDS.map((kind) => [kind, z.looseObject({})]),
) as { [K in EventKind]: z.ZodObject<Record<string, never>, z.core.$loose> };

function detailSchemaOf<K extends EventKind>(kind: K) {
  return z.strictObject({
    id: z.string().min(1),
    schemaVersion: z.literal(CHANGE_EVENT_SCHEMA_VERSION),
    kind: z.literal(kind),
    change: z.enum(CHANGES),
    recordId: recordIdSchema,
    version: z.int().min(1),
    personKey: personKeySchema.optional(),
    divisionCode: divisionCodeSchema,
    occurredAt: z.iso.datetime({ offset: true }),
    submittedBy: submittedBySchema,
    record: recordPayloadSchemas[kind],
  });
}

type DetailSchemaOf<K extends EventKind> = ReturnType<typeof detailSchemaOf<K>>;

/** The detail schema of each kind, without the cross-field checks (see `changeEventDetailSchema`). */
export const changeEventDetailSchemasByKind = Object.fromEntries(
  EVENT_KINDS.map((kind) => [kind, detailSchemaOf(kind)]),
) as { [K in EventKind]: DetailSchemaOf<K> };

/** The whole envelope rules that one field alone cannot check. */
function checkEnvelope(
  detail: { id: string; kind: EventKind; change: string; recordId: string; version: number },
  ctx: z.core.$RefinementCtx,
): void {
  if (!detail.recordId.startsWith(`${detail.kind}:`)) {
    ctx.addIssue({
      code: 'custom',
      path: ['recordId'],
      message: `recordId must start with "${detail.kind}:"`,
    });
  }
  if (detail.id !== `${detail.recordId}:${detail.version}`) {
    ctx.addIssue({ code: 'custom', path: ['id'], message: 'id must be "<recordId>:<version>"' });
  }
  if ((detail.version === 1) !== (detail.change === 'created')) {
    ctx.addIssue({
      code: 'custom',
      path: ['change'],
      message: 'change is "created" exactly when version is 1',
    });
  }
}

/** Any change-event detail, discriminated by `kind`. */
export const changeEventDetailSchema = z
  .discriminatedUnion(
    'kind',
    EVENT_KINDS.map((kind) => changeEventDetailSchemasByKind[kind]) as unknown as [
      DetailSchemaOf<EventKind>,
      ...DetailSchemaOf<EventKind>[],
    ],
  )
  .superRefine(checkEnvelope);

export type ChangeEventDetail<K extends EventKind = EventKind> = {
  [P in K]: z.infer<DetailSchemaOf<P>>;
}[K];

/** The schema for the detail of one detail-type: the kind's schema plus the envelope checks. */
export function detailSchemaForType(kind: EventKind, change: (typeof CHANGES)[number]) {
  // Built once per detail-type: every new zod schema compiles its parser again on first use.
  const key = `${kind}\n${change}`;
  let schema = detailSchemasByType.get(key);
  if (!schema) {
    schema = buildDetailSchemaForType(kind, change);
    detailSchemasByType.set(key, schema);
  }
  return schema;
}

const detailSchemasByType = new Map<string, ReturnType<typeof buildDetailSchemaForType>>();

function buildDetailSchemaForType(kind: EventKind, change: (typeof CHANGES)[number]) {
  const detailType = detailTypeOf(kind, change);
  return changeEventDetailSchemasByKind[kind].superRefine((detail, ctx) => {
    checkEnvelope(detail, ctx);
    if (detail.change !== change) {
      ctx.addIssue({
        code: 'custom',
        path: ['change'],
        message: `a ${detailType} detail has change "${change}"`,
      });
    }
  });
}
