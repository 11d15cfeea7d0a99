import type { EventKind } from '../../../events/index.ts';
import { RECORD_KIND_DEFINITIONS } from '../../../schemas/index.ts';

/** The parts of a zod 4 schema definition that say where a canonical field lives. */
interface SchemaDef {
  type: string;
  innerType?: { _zod: { def: SchemaDef } };
  in?: { _zod: { def: SchemaDef } };
  out?: { _zod: { def: SchemaDef } };
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
}

/** Leaf paths of a canonical (output) schema: through optional wrappers and preprocessing pipes into objects. */
function leafPathsOfSchema(def: SchemaDef, prefix = ''): string[] {
  const inner =
    def.innerType ??
    (def.type === 'pipe' ? (def.out?._zod.def.type === 'transform' ? def.in : def.out) : undefined);
  if (inner) return leafPathsOfSchema(inner._zod.def, prefix);
  if (def.type !== 'object' || def.shape === undefined) return [prefix];
  return Object.entries(def.shape).flatMap(([key, child]) =>
    leafPathsOfSchema(child._zod.def, prefix === '' ? key : `${prefix}.${key}`),
  );
}

/** Every leaf field of each kind's canonical record, read from the kinds' own schemas (no copy to drift). */
export const CANONICAL_LEAF_PATHS = Object.fromEntries(
  Object.entries(RECORD_KIND_DEFINITIONS).map(([kind, definition]) => [
    kind,
    leafPathsOfSchema((definition.fields as unknown as { _zod: { def: SchemaDef } })._zod.def),
  ]),
) as unknown as { readonly [K in EventKind]: readonly string[] };

/** Leaf paths of a JSON value. */
export function leafPathsOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) =>
    leafPathsOf(child, prefix === '' ? key : `${prefix}.${key}`),
  );
}
