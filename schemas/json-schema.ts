import { z } from 'zod';
import { RECORD_KIND_DEFINITIONS, RECORD_KINDS, type RecordKind } from './index.ts';

/** Fields whose object may also be given as one string (an address text; a school's name). */
function textAcceptingFields(kind: RecordKind): Set<z.core.$ZodType> {
  const { aliases, fields } = RECORD_KIND_DEFINITIONS[kind];
  const shape: Record<string, z.core.$ZodType> = fields.shape;
  const accepting = new Set<z.core.$ZodType>();
  for (const [field, entry] of Object.entries(aliases)) {
    const schema = shape[field];
    if (
      !Array.isArray(entry) &&
      'textField' in entry &&
      entry.textField !== undefined &&
      schema !== undefined
    ) {
      accepting.add(schema);
    }
  }
  return accepting;
}

/**
 * The JSON Schema (draft 2020-12) of one kind's input, generated from its zod schema with `io: 'input'`
 * (transforms resolve to what they accept). `override` adds what the renaming step accepts: a string for
 * an address or school, and `x-aliases`, every Chinese label with its canonical path ('person.姓名' is 姓名
 * inside `person`; '姓名' at the top level is the flattened form).
 */
export function inputJsonSchema(kind: RecordKind): Record<string, unknown> {
  const definition = RECORD_KIND_DEFINITIONS[kind];
  const textAccepting = textAcceptingFields(kind);
  return z.toJSONSchema(definition.schema, {
    io: 'input',
    override: ({ zodSchema, jsonSchema }) => {
      if (textAccepting.has(zodSchema)) {
        const object = { ...jsonSchema };
        for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
        jsonSchema.anyOf = [{ type: 'string' }, object];
      }
      if (zodSchema === definition.schema) {
        jsonSchema.title = kind;
        jsonSchema.description =
          `Input of a ${kind} record: canonical camelCase names, or the labels in x-aliases. ` +
          'Blank and null values count as absent.';
        jsonSchema['x-aliases'] = Object.fromEntries(definition.labels);
      }
    },
  });
}

/** The input JSON Schema of every record kind. */
export function inputJsonSchemas(): Record<RecordKind, object> {
  return Object.fromEntries(RECORD_KINDS.map((kind) => [kind, inputJsonSchema(kind)])) as Record<
    RecordKind,
    object
  >;
}
