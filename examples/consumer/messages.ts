import { z } from 'zod';

/*
 * What a department's consumer checks about every message. The contract is the department's AsyncAPI
 * document (docs/asyncapi/<department>.json, generated from the hub's code): each message's payload schema is
 * turned into a zod schema, so a message that does not match what was published is refused, not half-read.
 * The consumer itself relies only on the few envelope fields below.
 *
 * Tolerant, as the hub's versioning policy asks (docs/versioning.md): fields and enum values the contract
 * does not list are accepted (a newer hub may add them), and a message type it does not list is reported as
 * unknown (a newer hub may publish new detail-types) rather than refused.
 */

/** The envelope fields the consumer needs to de-duplicate and order; the rest is the department's business. */
export const messageEnvelope = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  recordId: z.string().min(1),
  version: z.int().min(1),
  record: z.looseObject({}),
});

export type DepartmentMessage = z.output<typeof messageEnvelope>;

export class MessageContractError extends Error {
  override name = 'MessageContractError';
}

interface AsyncApiDocument {
  components?: { messages?: Record<string, { payload?: unknown }> };
}

/**
 * A JSON Schema that accepts what compatible changes add: fields it does not list (objects stay open) and
 * enum values it does not list (an `enum` keeps only its type).
 */
function acceptingAdditions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(acceptingAdditions);
  if (typeof schema !== 'object' || schema === null) return schema;
  const entries = Object.entries(schema).filter(
    ([key, value]) => !(key === 'additionalProperties' && value === false) && key !== 'enum',
  );
  return Object.fromEntries(entries.map(([key, value]) => [key, acceptingAdditions(value)]));
}

/** The zod schema of every message of an AsyncAPI document, by message name (the detail-type). */
export function messageSchemasOf(document: unknown): Map<string, z.ZodType> {
  const messages = (document as AsyncApiDocument).components?.messages ?? {};
  const schemas = new Map<string, z.ZodType>();
  for (const [name, message] of Object.entries(messages)) {
    if (typeof message.payload !== 'object' || message.payload === null) {
      throw new MessageContractError(`message ${name} has no payload schema`);
    }
    schemas.set(
      name,
      z.fromJSONSchema(acceptingAdditions(message.payload) as z.core.JSONSchema.JSONSchema, {
        defaultTarget: 'draft-7',
      }),
    );
  }
  return schemas;
}

/** A message of a type the contract lists, or just the type of one it does not. */
export type ParsedMessage =
  | { known: true; message: DepartmentMessage }
  | { known: false; type: string; id: string };

/**
 * Parses and validates a message body against the contract; a type the contract does not list is returned as
 * unknown, its payload unread. Throws (a SyntaxError or a ZodError) when the body is not a message at all or
 * a listed type does not match its schema.
 */
export function createMessageParser(schemas: ReadonlyMap<string, z.ZodType>) {
  return (body: string): ParsedMessage => {
    const json: unknown = JSON.parse(body);
    const envelope = messageEnvelope.parse(json);
    const schema = schemas.get(envelope.type);
    if (schema === undefined) return { known: false, type: envelope.type, id: envelope.id };
    schema.parse(json);
    return { known: true, message: envelope };
  };
}
