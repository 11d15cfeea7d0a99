// ajv 8 and ajv-formats are not dependencies of their own: they come with fauxqs (fastify). Tests only.
import { Ajv, type Options } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';

type AjvCore = InstanceType<typeof Ajv>;
// ajv-formats is CommonJS with a `default` export; under Node's ESM interop the plugin is one level down.
const addFormats = ((formatsPlugin as unknown as { default?: unknown }).default ?? formatsPlugin) as (
  ajv: AjvCore,
) => AjvCore;

/** Keywords our documents add to JSON Schema (OpenAPI and AsyncAPI allow `x-` extensions). */
const EXTENSION_KEYWORDS = ['x-aliases'];

// strictRequired off: an input schema's `anyOf: [{ required: [name] }, …]` names properties of the object around it.
const OPTIONS: Options = { strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true };

/** A strict JSON Schema draft-07 validator with formats (AsyncAPI's default schema format extends draft-07). */
export function draft7Validator(): AjvCore {
  const ajv = addFormats(new Ajv(OPTIONS));
  ajv.addVocabulary(EXTENSION_KEYWORDS);
  return ajv;
}

/** A strict JSON Schema 2020-12 validator with formats (OpenAPI 3.1's dialect). */
export function draft2020Validator(): AjvCore {
  const ajv = addFormats(new Ajv2020(OPTIONS) as unknown as AjvCore);
  ajv.addVocabulary(EXTENSION_KEYWORDS);
  return ajv;
}
