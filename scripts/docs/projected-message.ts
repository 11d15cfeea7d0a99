import { z } from 'zod';
import {
  type Change,
  type CompiledRule,
  changeEventDetailSchemasByKind,
  type DetailType,
  parseDetailType,
} from '#events/index.ts';
import { CANONICAL_RECORD_SCHEMAS } from '#schemas/canonical.ts';

/*
 * The schema of the message a department's queue delivers for one detail-type, derived from the compiled
 * rule itself: the input template gives the message's shape, the input paths say which detail field fills
 * each place, and the detail's contract (events/payload.ts envelope, schemas/canonical.ts record) gives each
 * field's type. The publisher writes every projected record path, null where the record has no value
 * (events/subscriptions.ts projectedRecord), so a field that is optional in the detail — or lies below an
 * optional object — is typed "its type or null", never "".
 */

/** What each envelope field means to a consumer. */
const ENVELOPE_DESCRIPTIONS: Record<string, string> = {
  id: '`<recordId>:<version>`: stable across redeliveries, so de-duplicate on it.',
  type: 'The detail-type: `<Kind>.Created|Updated|Ended`.',
  schemaVersion:
    "The contract's major version: it changes only with a breaking change, shipped as new detail-types " +
    '(docs/versioning.md).',
  kind: 'The record kind.',
  change: 'created (version 1), ended (the version that first sets the end date) or updated.',
  recordId: "The hub's id of the record: `<kind>:` and 22 base64url characters.",
  version: 'Version of the record; delivery order is not guaranteed, so keep the highest seen per recordId.',
  personKey:
    'HMAC-SHA256 (hex) of the subject’s ID number with the hub’s secret: links records of one person.',
  divisionCode: 'The county-level division the record belongs to (GB/T 2260).',
  occurredAt: 'When the hub stored this version (ISO 8601, UTC).',
  replay: 'The name of the replay that delivered this event again (`hub replay`); "" for a live delivery.',
  role: "The submitter's role.",
  submitterId: "The submitter's id.",
};

const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/g;
const MARK = '\u0000placeholder';

type TemplateNode = { [key: string]: TemplateNode } | { [MARK]: string };

export class ProjectionSchemaError extends Error {
  override name = 'ProjectionSchemaError';
}

/** The message schema of one detail-type the rule routes (strict: exactly the projected fields). */
export function projectedMessageSchema(rule: CompiledRule, detailType: DetailType): z.ZodObject {
  const parsed = parseDetailType(detailType);
  if (
    parsed === undefined ||
    parsed.kind !== rule.kind ||
    !rule.eventPattern['detail-type'].includes(detailType)
  ) {
    throw new ProjectionSchemaError(`rule ${rule.ruleName} does not route ${detailType}`);
  }
  const template = parseTemplate(rule);
  const detail = detailSchemaOf(rule.kind, parsed.change);
  const schema = objectOf(template, (variable) => {
    const path = rule.inputTransformer.inputPathsMap[variable];
    if (path === '$.detail-type')
      return z.literal(detailType).meta({ description: ENVELOPE_DESCRIPTIONS.type });
    if (path === '$.replay-name') return z.string().meta({ description: ENVELOPE_DESCRIPTIONS.replay });
    if (path?.startsWith('$.detail.')) return fieldSchema(detail, path.slice('$.detail.'.length).split('.'));
    throw new ProjectionSchemaError(`rule ${rule.ruleName}: variable ${variable} reads ${path ?? 'nothing'}`);
  });
  return schema.meta({ title: detailType });
}

/** The detail of one kind and change, with the canonical record in place of the loose one. */
function detailSchemaOf(kind: CompiledRule['kind'], change: Change): z.ZodObject {
  const envelope = changeEventDetailSchemasByKind[kind];
  return envelope.extend({
    kind: z.literal(kind),
    change: z.literal(change),
    record: CANONICAL_RECORD_SCHEMAS[kind],
  }) as unknown as z.ZodObject;
}

/** The input template as a tree whose leaves name their variables (compile emits only unquoted values). */
function parseTemplate(rule: CompiledRule): TemplateNode {
  const json = rule.inputTransformer.inputTemplate.replace(PLACEHOLDER, (_, name: string) =>
    JSON.stringify({ [MARK]: name }),
  );
  try {
    return JSON.parse(json) as TemplateNode;
  } catch (error) {
    throw new ProjectionSchemaError(`rule ${rule.ruleName}: the input template is not a JSON object`, {
      cause: error,
    });
  }
}

function objectOf(node: TemplateNode, leaf: (variable: string) => z.ZodType): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, child] of Object.entries(node)) {
    const variable = (child as { [MARK]?: string })[MARK];
    shape[key] = variable === undefined ? objectOf(child as TemplateNode, leaf) : leaf(variable);
  }
  return z.strictObject(shape);
}

/** The schema of the detail field at `segments`; null allowed when it, or an object above it, is optional. */
function fieldSchema(detail: z.ZodObject, segments: string[]): z.ZodType {
  let schema: z.ZodType = detail;
  let optional = false;
  for (const segment of segments) {
    const object = unwrapOptional(schema);
    optional ||= object.optional;
    if (!(object.schema instanceof z.ZodObject) || !Object.hasOwn(object.schema.shape, segment)) {
      throw new ProjectionSchemaError(`the detail has no field ${segments.join('.')}`);
    }
    schema = object.schema.shape[segment] as z.ZodType;
  }
  const field = unwrapOptional(schema);
  const described = describe(field.schema, segments);
  if (!(optional || field.optional)) return described;
  const description = described.meta()?.description;
  return z
    .union([described, z.null()])
    .meta({ description: `${description ? `${description} ` : ''}null when the record has none.` });
}

function unwrapOptional(schema: z.ZodType): { schema: z.ZodType; optional: boolean } {
  return schema instanceof z.ZodOptional
    ? { schema: schema.unwrap() as z.ZodType, optional: true }
    : { schema, optional: false };
}

function describe(schema: z.ZodType, segments: string[]): z.ZodType {
  if (segments[0] === 'record' || schema.meta()?.description !== undefined) return schema;
  const description = ENVELOPE_DESCRIPTIONS[segments.at(-1) ?? ''];
  return description === undefined ? schema : schema.meta({ description });
}
