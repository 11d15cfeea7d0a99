import { draft2020Validator } from '../../helpers/json-schema.ts';

/** Every local `$ref` of a document that does not resolve to a value in it (JSON Pointer, RFC 6901). */
export function unresolvedReferences(document: unknown): string[] {
  const missing: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && resolve(document, child) === undefined)
        missing.push(child);
      else visit(child);
    }
  };
  visit(document);
  return missing;
}

function resolve(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node = document;
  for (const token of ref.slice(2).split('/')) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A validator for one component schema of an OpenAPI document, its references resolved within the components. */
export function componentValidator(schemas: Record<string, unknown>, name: string) {
  const ajv = draft2020Validator();
  const defs = JSON.parse(
    JSON.stringify(schemas).replaceAll('"#/components/schemas/', '"#/$defs/'),
  ) as Record<string, unknown>;
  ajv.addSchema({ $id: 'openapi.json', $defs: defs });
  const validate = ajv.getSchema(`openapi.json#/$defs/${name}`);
  if (validate === undefined) throw new Error(`no component ${name}`);
  return validate;
}
