import { z } from 'zod';
import { RECORD_KIND_DEFINITIONS, type RecordKind } from './index.ts';
import { LISTS_ACCEPTING_TEXT } from './kinds/common/parts.ts';

type JsonSchema = Record<string, unknown>;

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

const pascal = (name: string) =>
  name
    .split(/[-.]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/** One kind's schema under construction: its `$defs`, and each object level's canonical required fields. */
class InputSchema {
  readonly root: JsonSchema;
  readonly defs: Record<string, JsonSchema>;
  private readonly canonicalRequired = new Map<string, string[]>();

  constructor(root: JsonSchema) {
    this.root = root;
    root.$defs ??= {};
    this.defs = root.$defs as Record<string, JsonSchema>;
  }

  /**
   * The object a schema describes: itself (an object, or a string or object), its `$ref`'s target, or the
   * object each item of a list is (a permit's endorsements).
   */
  objectOf(schema: unknown): JsonSchema | undefined {
    if (typeof schema !== 'object' || schema === null) return undefined;
    const candidate = schema as JsonSchema;
    if (typeof candidate.$ref === 'string')
      return this.objectOf(this.defs[candidate.$ref.split('/').at(-1) ?? '']);
    if (candidate.type === 'array') return this.objectOf(candidate.items);
    return [candidate.type].flat().includes('object') ? candidate : undefined;
  }

  /** The object a level names: '' the record, 'person' the person object. */
  level(level: string): JsonSchema {
    const object = level === '' ? this.root : this.objectOf(this.at(this.root, level.split('.')));
    if (object === undefined) throw new Error(`input schema: ${level} is no object`);
    if (!this.canonicalRequired.has(level))
      this.canonicalRequired.set(level, [...((object.required as string[]) ?? [])]);
    return object;
  }

  requiredOf(level: string): string[] {
    this.level(level);
    return this.canonicalRequired.get(level) ?? [];
  }

  /** The schema of a path below `object`, through nested objects. */
  at(object: JsonSchema, path: readonly string[]): JsonSchema {
    let schema: JsonSchema | undefined = object;
    for (const [i, segment] of path.entries()) {
      const container: JsonSchema | undefined = i === 0 ? schema : this.objectOf(schema);
      schema = (container?.properties as Record<string, JsonSchema> | undefined)?.[segment];
      if (schema === undefined) throw new Error(`input schema: no field ${path.join('.')}`);
    }
    return schema as JsonSchema;
  }

  /**
   * Moves a nested object's schema into `$defs` as `name`, leaving a `$ref` with the field's description (for
   * a list, the items' object moves and the list keeps its `$ref`).
   */
  hoist(level: string, name: string): void {
    const [field] = level.split('.') as [string];
    const properties = this.root.properties as Record<string, JsonSchema>;
    const { description, ...schema } = properties[field] as JsonSchema;
    const list = schema.type === 'array';
    this.defs[name] = list ? (schema.items as JsonSchema) : schema;
    const reference = { $ref: `#/$defs/${name}` };
    properties[field] = {
      ...(list ? { ...schema, items: reference } : reference),
      ...(description === undefined ? {} : { description }),
    };
  }
}

/** Labels of one object level: label → its canonical path relative to that level. */
type LevelLabels = Map<string, string[]>;

/**
 * The compiled alias table's labels (`'person.姓名' → 'person.name'`, `'姓名' → 'person.name'`), grouped by
 * the object they are accepted in: '' for the record, 'person' for inside the person object.
 */
function labelsByLevel(kind: RecordKind): Map<string, LevelLabels> {
  const levels = new Map<string, LevelLabels>();
  for (const [key, canonical] of RECORD_KIND_DEFINITIONS[kind].labels) {
    const segments = key.split('.');
    const label = segments.pop() as string;
    const level = segments.join('.');
    const relative = canonical.split('.').slice(segments.length);
    const labels = levels.get(level) ?? new Map<string, string[]>();
    labels.set(label, relative);
    levels.set(level, labels);
  }
  return levels;
}

/**
 * Adds one object level's labels as properties beside the canonical fields, each with the schema of the field
 * it names, and turns `required` into what the renamer accepts: a required field under any of its names, or —
 * for a nested object — each of its own required fields under one of their flattened labels.
 */
function addLabels(input: InputSchema, level: string, labels: LevelLabels): void {
  const object = input.level(level);
  const properties = object.properties as Record<string, JsonSchema>;
  const canonical = { properties: { ...properties } };
  for (const [label, path] of labels) {
    const { description, ...target } = input.at(canonical, path);
    properties[label] = {
      ...target,
      description: `Label of \`${path.join('.')}\`${typeof description === 'string' ? `: ${description}` : '.'}`,
    };
  }
  const namesOf = (path: string) =>
    [...labels].filter(([, p]) => p.join('.') === path).map(([label]) => label);
  const stillRequired: string[] = [];
  const alternatives: JsonSchema[] = [];
  for (const field of input.requiredOf(level)) {
    const whole = [field, ...namesOf(field)];
    const nested =
      input.objectOf(properties[field]) === undefined ? [] : input.requiredOf(prefixed(level, field));
    const flattened = nested.map((child) => namesOf(`${field}.${child}`));
    const flat =
      flattened.length === 0 || flattened.some((names) => names.length === 0)
        ? []
        : [flattened.length === 1 ? oneOfNames(flattened[0] ?? []) : { allOf: flattened.map(oneOfNames) }];
    if (whole.length === 1 && flat.length === 0) stillRequired.push(field);
    else alternatives.push({ anyOf: [...whole.map((name) => ({ required: [name] })), ...flat] });
  }
  if (stillRequired.length > 0) object.required = stillRequired;
  else delete object.required;
  if (alternatives.length > 0) object.allOf = alternatives;
}

/** At least one of these properties. */
const oneOfNames = (names: readonly string[]): JsonSchema =>
  names.length === 1 ? { required: [...names] } : { anyOf: names.map((name) => ({ required: [name] })) };

const prefixed = (level: string, field: string) => (level === '' ? field : `${level}.${field}`);

/**
 * The JSON Schema (draft 2020-12) of one kind's input: what the handler accepts, generated from its zod
 * schema with `io: 'input'` (transforms resolve to what they accept) and its alias table. Every Chinese label
 * is a property of its own, with the schema of the field it names (`姓名` beside `入住日期` names
 * `person.name`, as one-row forms send it); an address or school may be one string; enumerations list every
 * accepted code and label (`$defs`, shared by name across kinds); a nested object with labels of its own is a
 * `$defs` entry of the kind (`ResidenceRegistrationPerson`). `x-aliases` maps each label to its canonical
 * path ('person.姓名' is 姓名 inside `person`).
 */
export function inputJsonSchema(kind: RecordKind): JsonSchema {
  const definition = RECORD_KIND_DEFINITIONS[kind];
  const textAccepting = textAcceptingFields(kind);
  const input = new InputSchema(
    z.toJSONSchema(definition.schema, {
      io: 'input',
      override: ({ zodSchema, jsonSchema }) => {
        // A string or the object: object keywords (properties, required) do not apply to a string.
        if (textAccepting.has(zodSchema)) jsonSchema.type = ['string', 'object'];
        // A list, or one text of its items separated by 、 , ; / or spaces.
        if (LISTS_ACCEPTING_TEXT.has(zodSchema)) jsonSchema.type = ['string', 'array'];
      },
    }) as JsonSchema,
  );
  // Nested levels first, each then hoisted: a label of the record copies a field's schema, a `$ref` for them.
  const levels = [...labelsByLevel(kind)].sort(([a], [b]) => b.length - a.length);
  for (const [level, labels] of levels) {
    addLabels(input, level, labels);
    if (level !== '') input.hoist(level, `${pascal(kind)}${pascal(level)}`);
  }
  const schema = input.root;
  schema.title = kind;
  schema.description =
    `Input of a ${kind} record: canonical camelCase names, or the Chinese labels (each a property here; ` +
    'x-aliases says which field it names). Give each field once. Blank and null values count as absent; ' +
    'labels also match with full-width characters, spaces, a leading * or a trailing colon.';
  schema['x-aliases'] = Object.fromEntries(definition.labels);
  return schema;
}
