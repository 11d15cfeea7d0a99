import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  compileSubscriptions,
  type DetailType,
  parseDetailType,
  projectedRecord,
  SAMPLE_DETAILS,
  SOURCE,
  SUBSCRIPTIONS,
} from '../../../events/index.ts';
import { createLocalBus } from '../../../local/bus/index.ts';
import { CANONICAL_RECORD_SCHEMAS } from '../../../schemas/canonical.ts';
import { buildAsyncApiDocument, departmentMessages } from '../../../scripts/docs/asyncapi.ts';
import { draft7Validator } from '../../helpers/json-schema.ts';
import { unresolvedReferences } from './references.ts';

// biome-ignore lint/suspicious/noExplicitAny: walking generated JSON documents, checked by the assertions.
type Json = Record<string, any>;

const documents = new Map(
  SUBSCRIPTIONS.map((s) => [s.name, JSON.parse(JSON.stringify(buildAsyncApiDocument(s))) as Json]),
);
const documentOf = (name: string) => documents.get(name) as Json;
const health = SUBSCRIPTIONS.find((s) => s.name === 'health') as (typeof SUBSCRIPTIONS)[number];

/** Leaf paths of a JSON Schema object: a property with its own properties is a branch, anything else a leaf. */
function schemaLeafPaths(schema: Json, prefix = ''): string[] {
  if (schema.type !== 'object' || schema.properties === undefined) return [prefix];
  return Object.entries(schema.properties as Json).flatMap(([key, child]) =>
    schemaLeafPaths(child, prefix === '' ? key : `${prefix}.${key}`),
  );
}

/** A copy of a canonical value without the fields its schema marks optional (also nested ones). */
function withoutOptionalFields(schema: z.ZodType, value: unknown): unknown {
  if (!(schema instanceof z.ZodObject) || typeof value !== 'object' || value === null) return value;
  const kept: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const field = schema.shape[key] as z.ZodType;
    if (!(field instanceof z.ZodOptional)) kept[key] = withoutOptionalFields(field, child);
  }
  return kept;
}

/** Every message the real local bus delivers for these details, by subscription name. */
async function deliveredMessages(details: readonly Json[]): Promise<Map<string, Json[]>> {
  const delivered = new Map<string, Json[]>();
  const bus = createLocalBus({
    rules: compileSubscriptions(SUBSCRIPTIONS).map((rule) => ({
      name: rule.ruleName,
      eventPattern: rule.eventPattern,
      inputTransformer: rule.inputTransformer,
      target: async (message: string) => {
        delivered.set(rule.subscriber, [...(delivered.get(rule.subscriber) ?? []), JSON.parse(message)]);
      },
    })),
    onTargetError: ({ error }) => {
      throw error;
    },
  });
  for (let i = 0; i < details.length; i += 10) {
    const entries = details.slice(i, i + 10).map((detail) => ({
      Source: SOURCE,
      DetailType: detail.type as string,
      Detail: JSON.stringify(detail.detail),
    }));
    const result = await bus.putEvents(entries);
    expect(result.FailedEntryCount).toBe(0);
  }
  return delivered;
}

describe('the AsyncAPI document of each department', () => {
  it.each(SUBSCRIPTIONS.map((s) => [s.name, s] as const))('%s: AsyncAPI 3, every $ref resolves', (name) => {
    const document = documentOf(name);
    expect(document.asyncapi).toBe('3.0.0');
    expect(unresolvedReferences(document)).toEqual([]);
    expect(Object.keys(document.channels)).toEqual([name]);
    expect(document.channels[name].address).toContain(name);
  });

  it.each(SUBSCRIPTIONS.map((s) => [s.name, s] as const))(
    '%s: one message per subscribed detail-type, on the channel and the receive operation',
    (name, subscription) => {
      const document = documentOf(name);
      const refs = (list: Json[]) => list.map((m) => (m.$ref as string).split('/').at(-1));
      expect(Object.keys(document.components.messages)).toEqual([...subscription.eventTypes]);
      expect(Object.keys(document.channels[name].messages)).toEqual([...subscription.eventTypes]);
      const [operation] = Object.values(document.operations) as Json[];
      expect(operation?.action).toBe('receive');
      expect(refs(operation?.messages)).toEqual([...subscription.eventTypes]);
    },
  );

  it.each(SUBSCRIPTIONS.map((s) => [s.name, s] as const))(
    "%s: each payload lists exactly the projection's fields, as an open draft-07 schema (additions are compatible)",
    (name, subscription) => {
      const ajv = draft7Validator();
      for (const [detailType, message] of Object.entries(documentOf(name).components.messages) as [
        DetailType,
        Json,
      ][]) {
        const kind = parseDetailType(detailType)?.kind;
        const projected = kind === undefined ? [] : (subscription.fields[kind] ?? []);
        expect(schemaLeafPaths(message.payload).sort(), detailType).toEqual(
          [...projected, 'type', 'replay'].sort(),
        );
        expect(message.payload.properties.type.const).toBe(detailType);
        expect(JSON.stringify(message.payload)).not.toContain('"additionalProperties":false');
        const validate = ajv.compile(message.payload);
        for (const example of message.examples) expect(validate(example.payload), detailType).toBe(true);
      }
    },
  );
});

describe('what the local bus really delivers fits the documents', () => {
  const details = Object.entries(SAMPLE_DETAILS).flatMap(([type, detail]) => {
    const kind = detail.kind;
    // As the publisher writes it: every projected path present, null where the record has no value.
    const record = projectedRecord(
      kind,
      withoutOptionalFields(CANONICAL_RECORD_SCHEMAS[kind], detail.record) as Record<string, unknown>,
    );
    const bare = { ...detail, record };
    return [
      { type, detail },
      { type, detail: bare },
    ];
  });

  it('every message of every queue validates against its department document, with and without optional fields', async () => {
    // Prepare
    const ajv = draft7Validator();

    // Act
    const delivered = await deliveredMessages(details);

    // Assess
    for (const subscription of SUBSCRIPTIONS) {
      const messages = delivered.get(subscription.department) ?? [];
      const { components } = documentOf(subscription.name);
      // Both variants of every subscribed detail-type arrived.
      expect(messages.map((m) => m.type).sort()).toEqual(
        subscription.eventTypes.flatMap((type) => [type, type]).sort(),
      );
      const validators = new Map<string, ReturnType<typeof ajv.compile>>();
      for (const message of messages) {
        const validate =
          validators.get(message.type) ?? ajv.compile(components.messages[message.type].payload);
        validators.set(message.type, validate);
        expect(
          validate(message),
          `${subscription.name} ${message.type}: ${ajv.errorsText(validate.errors)}`,
        ).toBe(true);
      }
      // Only `replay` is "" on a live delivery (the envelope's replay-name is absent, and EventBridge writes a
      // missing path as ""); every other absent optional field arrives as null, never "".
      expect(messages.every((m) => m.replay === '')).toBe(true);
      expect(JSON.stringify(messages.map(({ replay, ...rest }) => rest))).not.toContain('""');
    }
    // The stripped variants carry null for absent optional fields (a projection of required fields only,
    // such as legal aid's permit validity, has none).
    expect(JSON.stringify([...delivered.values()])).toContain(':null');
  });

  it('refuses a message that is not what the department was promised', async () => {
    // Prepare
    const delivered = await deliveredMessages([
      { type: 'ResidenceRegistration.Created', detail: SAMPLE_DETAILS['ResidenceRegistration.Created'] },
    ]);
    const [message] = delivered.get('health') ?? [];
    const documented = draft7Validator().compile(
      documentOf('health').components.messages['ResidenceRegistration.Created'].payload,
    );
    // The projection's own schema is strict: no field beyond the department's projection.
    const projection = departmentMessages(health).find(
      (m) => m.detailType === 'ResidenceRegistration.Created',
    );
    const validate = (value: unknown) =>
      documented(value) && projection?.schema.safeParse(value).success === true;
    const variant = (change: (m: Json) => void) => {
      const copy = structuredClone(message) as Json;
      change(copy);
      return copy;
    };

    // Act / Assess
    expect(validate(message)).toBe(true);
    expect(validate(variant((m) => (m.record.person.phone = null)))).toBe(true);
    expect(validate(variant((m) => (m.record.person.phone = '')))).toBe(false);
    expect(validate(variant((m) => (m.record.person.name = '')))).toBe(false);
    expect(validate(variant((m) => (m.record.person.idNumber = '330106199003071236')))).toBe(false);
    expect(validate(variant((m) => (m.type = 'ResidenceRegistration.Updated')))).toBe(false);
    expect(validate(variant((m) => (m.version = 0)))).toBe(false);
  });
});
