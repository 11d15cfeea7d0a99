import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeRecord,
  isRecordKind,
  normaliseRecord,
  RECORD_KIND_DEFINITIONS,
  RECORD_KINDS,
  type RecordKind,
} from '../../../schemas/index.ts';
import { inputJsonSchema } from '../../../schemas/json-schema.ts';
import { generateCorpus } from '../../fixtures/corpus.ts';
import { errorsOf, loadRecordFixture, useFixedClock } from './kinds/helpers.ts';

/** Every path of a value whose value is undefined. */
function undefinedPaths(value: unknown, path = ''): string[] {
  if (value === undefined) return [path];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    undefinedPaths(inner, path ? `${path}.${key}` : key),
  );
}

const REQUIRED_FIELDS: Record<RecordKind, string[]> = {
  'residence-registration': ['address', 'movedInOn', 'person', 'residenceType'],
  'residence-departure': ['divisionCode', 'movedOutOn', 'person'],
  'rental-property': ['address', 'owner'],
  tenancy: ['landlord', 'property', 'startsOn', 'tenant'],
  employment: ['contractType', 'employer', 'person', 'startsOn'],
  'social-insurance': ['divisionCode', 'insuranceType', 'person', 'startedOn'],
  schooling: ['enrolledOn', 'school', 'stage', 'student'],
  'business-license': ['address', 'creditCode', 'name', 'operator', 'registeredOn'],
  'permit-application': ['address', 'applicant', 'channel', 'cityDivisionCode', 'claims', 'submittedOn'],
  'residence-permit': [
    'endorsedUntil',
    'holder',
    'issuedOn',
    'issuingDivisionCode',
    'permitNumber',
    'status',
  ],
  'card-link': ['cardNumber', 'cardType', 'divisionCode', 'holder', 'linkedOn', 'permitNumber'],
};

describe('normaliseRecord', () => {
  useFixedClock('2026-01-01T12:00:00+08:00');

  it('knows the eleven record kinds of the contract, each with a definition', () => {
    expect(RECORD_KINDS).toStrictEqual(Object.keys(RECORD_KIND_DEFINITIONS));
    expect(RECORD_KINDS).toHaveLength(11);
    for (const kind of RECORD_KINDS) expect(RECORD_KIND_DEFINITIONS[kind].kind).toBe(kind);
  });

  it.each(['residence', 'constructor', '__proto__', 'toString', ''])(
    'rejects the kind %j with KIND_UNKNOWN',
    (kind) => {
      expect(isRecordKind(kind)).toBe(false);
      expect(normaliseRecord(kind, {})).toStrictEqual({
        ok: false,
        errors: [
          { path: 'kind', code: 'KIND_UNKNOWN', message: expect.stringContaining('residence-registration') },
        ],
      });
    },
  );

  it.each(RECORD_KINDS)('reports every missing required field of %s at once', (kind) => {
    expect(errorsOf(kind, {})).toStrictEqual(
      REQUIRED_FIELDS[kind].map((path) => ({ path, code: 'REQUIRED' })),
    );
  });

  it.each([
    ['a string', 'text', 'TYPE_INVALID'],
    ['an array', [], 'TYPE_INVALID'],
    ['null', null, 'REQUIRED'],
  ])('rejects data that is %s at the root', (_, data, code) => {
    expect(errorsOf('tenancy', data)).toStrictEqual([{ path: '', code }]);
  });

  it('reports a __proto__ field as unknown without polluting any prototype', () => {
    const canonical = loadRecordFixture('residence-registration').canonical;
    const json = JSON.stringify(canonical).replace('{', '{"__proto__":{"polluted":true},');
    const data = JSON.parse(
      json.replace('"address":{', '"address":{"__proto__":{"polluted":true},'),
    ) as unknown;

    expect(errorsOf('residence-registration', data)).toStrictEqual([
      { path: '__proto__', code: 'FIELD_UNKNOWN' },
      { path: 'address.__proto__', code: 'FIELD_UNKNOWN' },
    ]);
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('gives messages without the clear ID number or phone', () => {
    const data = {
      ...loadRecordFixture('tenancy').canonical,
      tenant: { idNumber: '410102198805121232', name: '王伟' },
    };
    const result = normaliseRecord('tenancy', data);

    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('410102198805121232');
  });

  it('normalises every valid record of a mixed corpus and rejects every corrupted one', () => {
    const corpus = generateCorpus(3000, { seed: 7 });

    const outcomes = corpus.map((entry) => normaliseRecord(entry.kind, entry.data).ok);

    expect(outcomes).toStrictEqual(corpus.map((entry) => entry.valid));
    expect(new Set(corpus.map((entry) => entry.kind))).toStrictEqual(new Set(RECORD_KINDS));
  });

  it('is idempotent and writes no undefined keys, for any generated record of any kind', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (seed, dirtyRate) => {
          for (const entry of generateCorpus(8, { seed, dirtyRate, invalidRate: 0 })) {
            const once = normaliseRecord(entry.kind, entry.data);
            if (!once.ok) return false;
            const twice = normaliseRecord(entry.kind, structuredClone(once.record));
            if (!twice.ok || JSON.stringify(twice.record) !== JSON.stringify(once.record)) return false;
            if (undefinedPaths(once.record).length > 0) return false;
          }
          return true;
        },
      ),
      { numRuns: 200 },
    );
  });

  it('describes every kind with string key parts and no clear ID number among them', () => {
    for (const entry of generateCorpus(400, { seed: 11, invalidRate: 0 })) {
      const result = normaliseRecord(entry.kind, entry.data);
      if (!result.ok) expect.fail(JSON.stringify(result.errors));

      const facts = describeRecord(result.kind, result.record);

      expect(facts.naturalKey.every((part) => typeof part === 'string' && part.length > 0)).toBe(true);
      if (facts.personIdNumber !== undefined) expect(facts.naturalKey).not.toContain(facts.personIdNumber);
      expect(undefinedPaths(facts)).toStrictEqual([]);
    }
  });

  it('narrows the record by kind', () => {
    const result = normaliseRecord(
      'residence-registration',
      loadRecordFixture('residence-registration').canonical,
    );

    if (!result.ok) expect.fail('expected a valid record');
    // Type-level: `result.record` is a ResidenceRegistration here, so `.person.gender` type-checks.
    expect(result.record.person.gender).toBe('female');
  });
});

describe('inputJsonSchema', () => {
  const schemas = Object.fromEntries(RECORD_KINDS.map((kind) => [kind, inputJsonSchema(kind)]));

  it('generates a JSON Schema (draft 2020-12) for every kind', () => {
    expect(Object.keys(schemas)).toStrictEqual([...RECORD_KINDS]);
    for (const kind of RECORD_KINDS) {
      expect(schemas[kind]).toMatchObject({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        additionalProperties: false,
      });
      // A required field under its canonical name or any of its labels.
      const requiredSomehow = JSON.stringify(schemas[kind]);
      for (const field of REQUIRED_FIELDS[kind])
        expect(requiredSomehow).toContain(`{"required":["${field}"]}`);
    }
  });

  it('describes what the input accepts, not the canonical output: address texts, labels, dirty values', () => {
    const registration = schemas['residence-registration'] as {
      properties: Record<string, { $ref?: string }>;
      $defs: Record<string, { type?: unknown; enum?: unknown[] }>;
      'x-aliases': Record<string, string>;
    };

    expect(registration.properties.address?.$ref).toBe('#/$defs/ResidenceRegistrationAddress');
    expect(registration.$defs.ResidenceRegistrationAddress?.type).toStrictEqual(['string', 'object']);
    expect(registration.properties.reason?.$ref).toBe('#/$defs/ResidenceReason');
    expect(registration.$defs.ResidenceReason?.type).toStrictEqual(['string', 'number']);
    expect(registration.$defs.ResidenceReason?.enum).toEqual(expect.arrayContaining(['work', '务工']));
    expect(registration.properties.居住事由).toMatchObject({ $ref: '#/$defs/ResidenceReason' });
    expect(registration['x-aliases']).toMatchObject({ 公民身份号码: 'person.idNumber', 居住事由: 'reason' });
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(schemas))).toStrictEqual(schemas);
  });
});
