import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ERROR_CODES, type FieldError, MAX_FIELD_ERRORS, toFieldErrors } from '#schemas/errors.ts';
import { describeRecord, normaliseRecord, RECORD_KINDS, type RecordKind } from '#schemas/index.ts';
import {
  ADDRESS_MAX_RAW_LENGTH,
  addressDetail,
  CODE_MAX_RAW_LENGTH,
  CONTRACT_TYPES,
  calendarDate,
  contractType,
  creditCode,
  divisionCode,
  EDUCATION_LEVELS,
  educationLevel,
  ethnicity,
  freeText,
  gender,
  INSURANCE_TYPES,
  identifier,
  idNumber,
  insuranceType,
  mobilePhone,
  NAME_MAX_RAW_LENGTH,
  pastOrTodayDate,
  personName,
  residenceReason,
  residenceType,
  SCHOOL_STAGES,
  schoolStage,
} from '#schemas/values/index.ts';
import { freezeDate, thawDate } from '../../helpers/frozen-date.ts';
import {
  holdsInvisibleCharacter,
  holdsRefusedCharacter,
  hostileString,
  hostileText,
  type Json,
  longRun,
  setAt,
  showsLongNumber,
  stringLeaves,
  valueAt,
  withInvisibles,
  withOneFieldReplaced,
} from '../../helpers/hostile-text.ts';
import { stringWork } from '../../helpers/string-work.ts';
import { loadRecordFixture } from './kinds/helpers.ts';
import { FIXED_NOW } from './values/arbitraries.ts';

// Every value type and record kind against hostile input (invisible, bidi and control characters, lone
// surrogates, full-width forms, very long runs): no crash, no refused or invisible character in what is
// accepted, one canonical form whatever invisible characters were slipped in, no long number in any error,
// and work bounded by the input's length up to the field's cap — counted, never timed.

beforeAll(() => freezeDate(FIXED_NOW));
afterAll(() => thawDate());

/**
 * String work per character of input (up to the cap) and a fixed allowance for messages and look-ups:
 * generous, but a pass over the output per character, or any work on a megabyte past a cap, exceeds it.
 */
const WORK_PER_CHARACTER = 40;
const WORK_ALLOWANCE = 10_000;

interface ValueCase {
  name: string;
  schema: z.ZodType;
  /** The raw cap: longer input is refused (TOO_LONG) before any normalisation. */
  cap: number;
  /** Valid spellings, each normalising to one canonical value whatever invisible characters it holds. */
  samples: string[];
}

const VALUES: ValueCase[] = [
  { name: 'personName', schema: personName, cap: NAME_MAX_RAW_LENGTH, samples: ['张伟', '阿依古丽•买买提'] },
  {
    name: 'addressDetail',
    schema: addressDetail,
    cap: ADDRESS_MAX_RAW_LENGTH,
    samples: ['天目山路495号2-1-502', '文三路 90 号 3栋2单元301室'],
  },
  {
    name: 'idNumber',
    schema: idNumber,
    cap: CODE_MAX_RAW_LENGTH,
    samples: ['330106199003071236', '11010519491231002x'],
  },
  { name: 'mobilePhone', schema: mobilePhone, cap: CODE_MAX_RAW_LENGTH, samples: ['+86 139 1234 5678'] },
  { name: 'creditCode', schema: creditCode, cap: CODE_MAX_RAW_LENGTH, samples: ['91330106ma2711111a'] },
  {
    name: 'calendarDate',
    schema: calendarDate,
    cap: CODE_MAX_RAW_LENGTH,
    samples: ['2016年8月28日', '2016.8.28'],
  },
  { name: 'pastOrTodayDate', schema: pastOrTodayDate, cap: CODE_MAX_RAW_LENGTH, samples: ['20160828'] },
  { name: 'divisionCode', schema: divisionCode, cap: CODE_MAX_RAW_LENGTH, samples: ['３３０１０６'] },
  { name: 'gender', schema: gender, cap: CODE_MAX_RAW_LENGTH, samples: ['男', 'female'] },
  { name: 'ethnicity', schema: ethnicity, cap: CODE_MAX_RAW_LENGTH, samples: ['汉族', '维吾尔'] },
  { name: 'residenceType', schema: residenceType, cap: CODE_MAX_RAW_LENGTH, samples: ['租赁房屋'] },
  { name: 'residenceReason', schema: residenceReason, cap: CODE_MAX_RAW_LENGTH, samples: ['务工'] },
  {
    name: 'educationLevel',
    schema: educationLevel,
    cap: CODE_MAX_RAW_LENGTH,
    samples: [...EDUCATION_LEVELS],
  },
  { name: 'insuranceType', schema: insuranceType, cap: CODE_MAX_RAW_LENGTH, samples: [...INSURANCE_TYPES] },
  { name: 'schoolStage', schema: schoolStage, cap: CODE_MAX_RAW_LENGTH, samples: [...SCHOOL_STAGES] },
  { name: 'contractType', schema: contractType, cap: CODE_MAX_RAW_LENGTH, samples: [...CONTRACT_TYPES] },
  {
    name: 'freeText(200)',
    schema: freeText(200),
    cap: 800,
    samples: ['杭州某某科技有限公司', 'ＡＢＣ  Ltd.'],
  },
];

function expectCleanErrors(errors: readonly FieldError[]): void {
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.length).toBeLessThanOrEqual(MAX_FIELD_ERRORS + 1);
  for (const error of errors) {
    expect(ERROR_CODES).toContain(error.code);
    expect(showsLongNumber(error.message), error.message).toBe(false);
    expect(showsLongNumber(error.path), error.path).toBe(false);
    expect(holdsRefusedCharacter(error.message + error.path)).toBe(false);
  }
}

describe.each(VALUES)('$name against hostile input', ({ schema, cap, samples }) => {
  it('answers a canonical value or catalogue errors, with work linear up to its cap', () => {
    fc.assert(
      fc.property(hostileString, (raw) => {
        const { result, work } = stringWork(() => schema.safeParse(raw));

        expect(work).toBeLessThanOrEqual(WORK_PER_CHARACTER * Math.min(raw.length, cap) + WORK_ALLOWANCE);
        if (raw.length > cap) expect(toFieldErrors(result.error ?? { issues: [] })[0]?.code).toBe('TOO_LONG');
        if (!result.success) {
          expectCleanErrors(toFieldErrors(result.error));
          return;
        }
        const value = result.data as string;
        expect(holdsRefusedCharacter(value) || holdsInvisibleCharacter(value)).toBe(false);
        expect(schema.parse(value)).toBe(value);
      }),
      { numRuns: 150 },
    );
  });

  it('gives one canonical value whatever invisible or bidi characters are slipped in', () => {
    for (const sample of samples) {
      const canonical = schema.parse(sample);
      fc.assert(
        fc.property(withInvisibles(sample), (disguised) => {
          expect(schema.parse(disguised)).toBe(canonical);
        }),
        { numRuns: 40 },
      );
    }
  });
});

describe('identifiers (sourceId) against hostile input', () => {
  const sourceId = identifier(128);

  it('keeps a visible id exactly as sent and refuses any other with a catalogue error', () => {
    fc.assert(
      fc.property(hostileString, (raw) => {
        const { result, work } = stringWork(() => sourceId.safeParse(raw));

        expect(work).toBeLessThanOrEqual(WORK_PER_CHARACTER * Math.min(raw.length, 128) + WORK_ALLOWANCE);
        if (result.success) {
          expect(result.data).toBe(raw);
          expect(holdsRefusedCharacter(raw) || holdsInvisibleCharacter(raw)).toBe(false);
        } else expectCleanErrors(toFieldErrors(result.error));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an id with an invisible character rather than keep two ids that look the same', () => {
    fc.assert(
      fc.property(withInvisibles('L-0001'), (disguised) => {
        expect(toFieldErrors(sourceId.safeParse(disguised).error ?? { issues: [] })[0]?.code).toBe(
          'CHARACTER_INVALID',
        );
      }),
    );
  });
});

// ---- record kinds ------------------------------------------------------------------------------------------

const dirtyOf = (kind: RecordKind) => loadRecordFixture(kind).dirty as Json;

/** Every string of the record accepted is free of refused and invisible characters. */
function expectCleanRecord(record: Json): void {
  for (const path of stringLeaves(record)) {
    const text = valueAt(record, path) as string;
    expect(holdsRefusedCharacter(text) || holdsInvisibleCharacter(text), path.join('.')).toBe(false);
  }
}

describe.each(RECORD_KINDS)('%s against hostile input', (kind) => {
  it('answers a canonical record or bounded, clean errors when any field is hostile, in linear work', () => {
    fc.assert(
      fc.property(withOneFieldReplaced(dirtyOf(kind), hostileString), (data) => {
        const size = JSON.stringify(data).length;

        const { result, work } = stringWork(() => normaliseRecord(kind, data));

        expect(work).toBeLessThanOrEqual(WORK_PER_CHARACTER * size + 5 * WORK_ALLOWANCE);
        if (!result.ok) {
          expectCleanErrors(result.errors);
          return;
        }
        expectCleanRecord(result.record as Json);
        expect(normaliseRecord(kind, result.record)).toEqual(result);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps the same canonical record and natural key when invisible characters hide in its values', () => {
    const dirty = dirtyOf(kind);
    const canonical = normaliseRecord(kind, dirty);
    if (!canonical.ok) expect.fail(JSON.stringify(canonical.errors));
    const key = describeRecord(kind, canonical.record).naturalKey;
    const leaves = stringLeaves(dirty);
    const disguised = fc
      .constantFrom(...leaves)
      .chain((path) =>
        withInvisibles(valueAt(dirty, path) as string).map((text) => setAt(dirty, path, text)),
      );
    fc.assert(
      fc.property(disguised, (data) => {
        const result = normaliseRecord(kind, data);
        expect(result).toEqual(canonical);
        if (result.ok) expect(describeRecord(kind, result.record).naturalKey).toEqual(key);
      }),
      { numRuns: 60 },
    );
  });

  it('bounds the errors of any number of hostile unknown fields', () => {
    const keys = fc.uniqueArray(fc.oneof(hostileText, fc.constant('330106199003071236'), longRun), {
      minLength: 1,
      maxLength: 60,
    });
    fc.assert(
      fc.property(keys, (extra) => {
        const data = { ...(dirtyOf(kind) as Record<string, Json>) };
        for (const key of extra) data[`x${key}`] = 1;

        const result = normaliseRecord(kind, data);

        if (result.ok) expect.fail('unknown fields were accepted');
        expectCleanErrors(result.errors);
        for (const error of result.errors) expect(error.path.length).toBeLessThanOrEqual(200);
      }),
      { numRuns: 40 },
    );
  });
});
