import { describe, expect, expectTypeOf, it } from 'vitest';
import type { SubmissionResponse } from '#api/http-api.ts';
import type { SubmissionResult } from '#functions/ingest/submit.ts';
import { SAMPLE_RECORDS } from '../../../events/index.ts';
import { CANONICAL_RECORD_SCHEMAS } from '../../../schemas/canonical.ts';
import { RECORD_KINDS } from '../../../schemas/index.ts';
import { CANONICAL_LEAF_PATHS, leafPathsOf } from '../events/canonical-shapes.ts';
import { loadRecordFixture, normalised, useFixedClock } from '../schemas/kinds/helpers.ts';

/** Leaf paths of a zod object schema (through optional wrappers). */
function leafPathsOfSchema(schema: unknown, prefix = ''): string[] {
  const def = (
    schema as { _zod: { def: { type: string; innerType?: unknown; shape?: Record<string, unknown> } } }
  )._zod.def;
  if (def.type === 'optional') return leafPathsOfSchema(def.innerType, prefix);
  if (def.type !== 'object' || def.shape === undefined) return [prefix];
  return Object.entries(def.shape).flatMap(([key, child]) =>
    leafPathsOfSchema(child, prefix === '' ? key : `${prefix}.${key}`),
  );
}

describe('the canonical record schemas (schemas/canonical.ts) describe what normaliseRecord returns', () => {
  useFixedClock();

  it.each(RECORD_KINDS)('%s: the same fields as the kind', (kind) => {
    expect(leafPathsOfSchema(CANONICAL_RECORD_SCHEMAS[kind]).sort()).toEqual(
      [...CANONICAL_LEAF_PATHS[kind]].sort(),
    );
  });

  it.each(RECORD_KINDS)('%s: the normalised fixtures, canonical and dirty, satisfy it', (kind) => {
    // Prepare
    const fixture = loadRecordFixture(kind);

    // Act
    const records = [normalised(kind, fixture.canonical), normalised(kind, fixture.dirty)];

    // Assess
    for (const record of records) expect(CANONICAL_RECORD_SCHEMAS[kind].parse(record)).toEqual(record);
  });

  it('refuses what a canonical record never holds', () => {
    const registration = CANONICAL_RECORD_SCHEMAS['residence-registration'];
    const record = structuredClone(SAMPLE_RECORDS['residence-registration']) as {
      person: Record<string, unknown>;
    };
    for (const [field, value] of [
      ['idNumber', '330106199003071236 '],
      ['phone', '+8613800138000'],
      ['gender', '男'],
      ['birthDate', '1990/03/07'],
      ['ethnicity', '汉族'],
    ] as const) {
      const dirty = structuredClone(record);
      dirty.person[field] = value;
      expect(registration.safeParse(dirty).success, field).toBe(false);
    }
  });
});

describe('the event catalogue samples are canonical records', () => {
  // The samples are dated early 2026.
  useFixedClock('2026-06-01T12:00:00+08:00');

  it.each(RECORD_KINDS)('%s: its sample satisfies the schema and normalises to itself', (kind) => {
    const record = normalised(kind, SAMPLE_RECORDS[kind]);
    expect(leafPathsOf(record).sort()).toEqual(leafPathsOf(SAMPLE_RECORDS[kind]).sort());
    expect(CANONICAL_RECORD_SCHEMAS[kind].safeParse(SAMPLE_RECORDS[kind]).success).toBe(true);
  });
});

describe('the response schemas (api/http-api.ts) match the handler types', () => {
  it('SubmissionResponse and functions/ingest/submit.ts SubmissionResult are the same type', () => {
    expectTypeOf<SubmissionResult>().toEqualTypeOf<SubmissionResponse>();
  });
});
