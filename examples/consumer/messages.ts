import { z } from 'zod';

/*
 * What a department's consumer checks about every message. The contract is the department's AsyncAPI
 * document (docs/asyncapi/<department>.json, generated from the hub's code): each message's payload schema is
 * turned into a zod schema, so a message that does not match what was published is refused, not half-read.
 * The consumer itself relies only on the few envelope fields below.
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
      z.fromJSONSchema(message.payload as z.core.JSONSchema.JSONSchema, { defaultTarget: 'draft-7' }),
    );
  }
  return schemas;
}

/**
 * Parses and validates a message body against the contract. Throws (a SyntaxError, a ZodError or a
 * MessageContractError for a type the contract does not list) when the message is not one of them.
 */
export function createMessageParser(schemas: ReadonlyMap<string, z.ZodType>) {
  return (body: string): DepartmentMessage => {
    const json: unknown = JSON.parse(body);
    const envelope = messageEnvelope.parse(json);
    const schema = schemas.get(envelope.type);
    if (schema === undefined)
      throw new MessageContractError(`message type ${envelope.type} is not in the contract`);
    schema.parse(json);
    return envelope;
  };
}
