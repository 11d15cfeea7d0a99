import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  type CanonicalRecord,
  describeRecord,
  type ErrorCode,
  normaliseRecord,
  RECORD_KIND_DEFINITIONS,
  type RecordKind,
} from '../../../../schemas/index.ts';
import { inputJsonSchema } from '../../../../schemas/json-schema.ts';
import { freezeDate, thawDate } from '../../../helpers/frozen-date.ts';
import { draft2020Validator } from '../../../helpers/json-schema.ts';

type Data = Record<string, unknown>;

export interface RecordFixture {
  /** The canonical record, which is also a valid input. */
  canonical: Data;
  /** The same record as a one-row Chinese form with dirty values. */
  dirty: Data;
}

const FIXTURES = new URL('../../../fixtures/records/', import.meta.url);

/** A fresh copy of test/fixtures/records/<kind>.json. */
export function loadRecordFixture(kind: RecordKind): RecordFixture {
  return structuredClone(
    JSON.parse(readFileSync(new URL(`${kind}.json`, FIXTURES), 'utf8')) as RecordFixture,
  );
}

/** Today is 2024-06-01 in China for every test of the file (DATE_IN_FUTURE never depends on the real date). */
export function useFixedClock(isoDate = '2024-06-01T12:00:00+08:00'): void {
  beforeEach(() => freezeDate(new Date(isoDate)));
  afterEach(() => thawDate());
}

/** The canonical record of valid data; fails the test with the errors otherwise. */
export function normalised<K extends RecordKind>(kind: K, data: unknown): CanonicalRecord<K> {
  const result = normaliseRecord(kind, data);
  if (!result.ok) expect.fail(`expected a valid ${kind}, got ${JSON.stringify(result.errors)}`);
  return result.record as CanonicalRecord<K>;
}

type PathAndCode = { path: string; code: ErrorCode };

const byPathThenCode = (a: PathAndCode, b: PathAndCode): number =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0;

/** Errors as `{ path, code }`, sorted by path then code (code point order), to compare with a list. */
export const sortErrors = (errors: readonly PathAndCode[]): PathAndCode[] =>
  errors.map(({ path, code }) => ({ path, code })).sort(byPathThenCode);

/** The errors of invalid data as `{ path, code }`, sorted by path then code. */
export function errorsOf(kind: string, data: unknown): PathAndCode[] {
  const result = normaliseRecord(kind, data);
  if (result.ok) expect.fail(`expected errors for ${kind}, got ${JSON.stringify(result.record)}`);
  return sortErrors(result.errors);
}

/** Marks a field to delete in {@link withChanges}. */
export const REMOVE = Symbol('remove');

/** A deep copy of `data` with values set (or removed) at dotted paths, creating objects on the way. */
export function withChanges(data: Data, changes: Record<string, unknown>): Data {
  const copy = structuredClone(data);
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    let target = copy;
    for (const key of keys) {
      target[key] ??= {};
      target = target[key] as Data;
    }
    if (value === REMOVE) delete target[last];
    else target[last] = value;
  }
  return copy;
}

/** One test per path: removing that field from the canonical record fails with exactly REQUIRED there. */
export function itRequiresEach(kind: RecordKind, canonical: Data, paths: readonly string[]): void {
  it.each(paths)('requires %s', (path) => {
    expect(errorsOf(kind, withChanges(canonical, { [path]: REMOVE }))).toStrictEqual([
      { path, code: 'REQUIRED' },
    ]);
  });
}

/** One test per case: setting the field to the value fails with exactly that code at that path. */
export function itRejectsEach(
  kind: RecordKind,
  canonical: Data,
  cases: readonly (readonly [path: string, value: unknown, code: ErrorCode])[],
): void {
  it.each(cases)('rejects %s = %j with %s', (path, value, code) => {
    expect(errorsOf(kind, withChanges(canonical, { [path]: value }))).toStrictEqual([{ path, code }]);
  });
}

/** The tests every kind shares: fixtures, idempotence, stable JSON, unknown fields, JSON Schema. */
export function itBehavesLikeARecordKind(kind: RecordKind): void {
  it('normalises the canonical fixture to itself', () => {
    // Prepare
    const { canonical } = loadRecordFixture(kind);

    // Act
    const record = normalised(kind, canonical);

    // Assess
    expect(record).toStrictEqual(canonical);
  });

  it('normalises the dirty Chinese-label fixture to the same canonical record, key order included', () => {
    const { canonical, dirty } = loadRecordFixture(kind);

    const record = normalised(kind, dirty);

    expect(record).toStrictEqual(canonical);
    expect(JSON.stringify(record)).toBe(JSON.stringify(normalised(kind, canonical)));
  });

  it('is idempotent: normalising its own output changes nothing', () => {
    const once = normalised(kind, loadRecordFixture(kind).dirty);

    const twice = normalised(kind, structuredClone(once));

    expect(JSON.stringify(twice)).toBe(JSON.stringify(once));
  });

  it('does not modify the submitted data', () => {
    const { dirty } = loadRecordFixture(kind);
    const before = structuredClone(dirty);

    normaliseRecord(kind, dirty);

    expect(dirty).toStrictEqual(before);
  });

  it('reports unknown top-level and nested fields as FIELD_UNKNOWN', () => {
    const { canonical } = loadRecordFixture(kind);
    const nested = Object.keys(canonical).find((key) => typeof canonical[key] === 'object') as string;

    const errors = errorsOf(kind, withChanges(canonical, { remark: 'x', [`${nested}.extra`]: 1 }));

    expect(errors).toStrictEqual(
      sortErrors([
        { path: `${nested}.extra`, code: 'FIELD_UNKNOWN' },
        { path: 'remark', code: 'FIELD_UNKNOWN' },
      ]),
    );
  });

  it('treats null and blank values as absent', () => {
    const { canonical } = loadRecordFixture(kind);
    const [first] = Object.keys(canonical) as [string];

    const errors = errorsOf(kind, withChanges(canonical, { [first]: null }));

    expect(errors).toStrictEqual([{ path: first, code: 'REQUIRED' }]);
  });

  it('describes the record without putting the ID number in the natural key', () => {
    const record = normalised(kind, loadRecordFixture(kind).canonical);

    const facts = describeRecord(kind, record);

    expect(facts.divisionCode).toMatch(/^\d{6}$/);
    expect(facts.naturalKey.length).toBeGreaterThan(0);
    for (const part of facts.naturalKey) expect(part).not.toMatch(/^\d{17}[\dX]$/);
    expect(Object.values(facts)).not.toContain(undefined);
  });

  it('has an input JSON Schema that accepts what the hub accepts: canonical names and Chinese labels', () => {
    const schema = inputJsonSchema(kind);
    const { canonical, dirty } = loadRecordFixture(kind);
    const fields = Object.keys(RECORD_KIND_DEFINITIONS[kind].fields.shape);
    const topLevelLabels = [...RECORD_KIND_DEFINITIONS[kind].labels.keys()].filter(
      (key) => !key.includes('.'),
    );
    const validate = draft2020Validator().compile(schema);

    expect(schema).toMatchObject({ type: 'object', title: kind, additionalProperties: false });
    expect(Object.keys(schema.properties as object)).toStrictEqual([...fields, ...topLevelLabels]);
    expect(validate(canonical), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(dirty), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...canonical, notAField: 1 })).toBe(false);
  });
}
