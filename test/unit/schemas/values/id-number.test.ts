import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFieldErrors } from '#schemas/errors.ts';
import {
  checkCharacter,
  idNumber,
  idNumberFacts,
  parseIdNumber,
  upgradeLegacyIdNumber,
} from '#schemas/values/id-number.ts';
import { freezeDate, thawDate } from '../../../helpers/frozen-date.ts';
import { dirtied, FIXED_NOW, fullWidth, oracleCheckCharacter, validIdNumber } from './arbitraries.ts';

const errorCodeOf = (raw: string) => {
  const result = parseIdNumber(raw);
  return result.ok ? undefined : result.code;
};

describe('idNumber', () => {
  beforeAll(() => freezeDate(FIXED_NOW));
  afterAll(() => thawDate());

  it.each([
    ['11010519491231002X', 'the standard example'],
    ['330106199003071236', 'the DOMAIN example'],
  ])('accepts %s (%s)', (id) => {
    expect(idNumber.parse(id)).toBe(id);
  });

  it('rejects the DOMAIN checksum counter-example with ID_NUMBER_CHECKSUM', () => {
    // Act
    const [error] = toFieldErrors(idNumber.safeParse('330106199003071235').error ?? { issues: [] });

    // Assess
    expect(error?.code).toBe('ID_NUMBER_CHECKSUM');
    expect(error?.message).toContain('Received: 3301**********1235.');
  });

  it.each([
    ['３３０１０６１９９００３０７１２３６', '330106199003071236', 'full-width digits'],
    ['330106 19900307 1236', '330106199003071236', 'spaces'],
    ['330106-19900307-1236', '330106199003071236', 'hyphens'],
    ['  330106199003071236\t', '330106199003071236', 'surrounding whitespace'],
    ['11010519491231002x', '11010519491231002X', 'lower-case x'],
    ['11010519491231002Ｘ', '11010519491231002X', 'full-width X'],
    ['110105194912310０2ｘ', '11010519491231002X', 'mixed full-width'],
    ['330106900307123', '330106199003071236', 'legacy 15 digits'],
    ['330106 900307 123', '330106199003071236', 'legacy 15 digits with spaces'],
  ])('normalises %s to %s (%s)', (raw, expected) => {
    expect(idNumber.parse(raw)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['33010619900307123', '17 characters'],
    ['3301061990030712366', '19 characters'],
    ['33010619900307123A', 'a letter other than X'],
    ['3301061990030X1236', 'X before the last position'],
    ['33010690030712X', 'legacy number with X'],
    ['990106199003071236', 'province 99 does not exist'],
    ['000106199003071236', 'province 00 does not exist'],
    ['330106199003071236abc', 'trailing garbage'],
  ])('rejects %s with ID_NUMBER_FORMAT (%s)', (raw) => {
    expect(errorCodeOf(raw)).toBe('ID_NUMBER_FORMAT');
  });

  it.each([
    ['330106199002301230', '30 February'],
    ['330106199013071230', 'month 13'],
    ['330106189912311230', 'before 1900'],
    ['330106202506021230', 'the day after the fixed today'],
  ])('rejects %s with ID_NUMBER_BIRTHDATE (%s)', (first17AndAny) => {
    // Prepare: a correct check character, so only the birth date is wrong.
    const first17 = first17AndAny.slice(0, 17);

    // Act / Assess
    expect(errorCodeOf(first17 + oracleCheckCharacter(first17))).toBe('ID_NUMBER_BIRTHDATE');
  });

  it('accepts a birth date of today', () => {
    const first17 = '33010620250601123';
    expect(idNumber.parse(first17 + oracleCheckCharacter(first17))).toBe(
      first17 + oracleCheckCharacter(first17),
    );
  });

  it('rejects non-string input with a zod type issue', () => {
    expect(idNumber.safeParse(330106199003).error?.issues[0]?.code).toBe('invalid_type');
  });

  it('derives birth date and gender (odd sequence = male)', () => {
    expect(idNumberFacts('330106199003071236')).toEqual({ birthDate: '1990-03-07', gender: 'male' });
    expect(idNumberFacts('11010519491231002X')).toEqual({ birthDate: '1949-12-31', gender: 'female' });
  });

  it('computes check characters and upgrades legacy numbers', () => {
    expect(checkCharacter('11010519491231002')).toBe('X');
    expect(checkCharacter('33010619900307123')).toBe('6');
    expect(upgradeLegacyIdNumber('330106900307123')).toBe('330106199003071236');
    expect(() => checkCharacter('1234')).toThrow(RangeError);
    expect(() => upgradeLegacyIdNumber('33010690030712X')).toThrow(RangeError);
  });

  describe('properties', () => {
    it('accepts every generated valid ID number', () => {
      fc.assert(
        fc.property(validIdNumber, (id) => {
          expect(parseIdNumber(id)).toEqual({ ok: true, value: id });
        }),
      );
    });

    it('agrees with the oracle on the check character', () => {
      fc.assert(
        fc.property(validIdNumber, (id) => {
          expect(checkCharacter(id.slice(0, 17))).toBe(id.charAt(17));
        }),
      );
    });

    it('rejects every single-character mutation of a valid ID number', () => {
      // A different digit at position i changes the weighted sum by weight_i * delta, never 0 mod 11
      // (11 is prime, weights and |delta| < 11), so the check breaks; X in positions 1-17 breaks the format.
      const mutation = validIdNumber.chain((id) =>
        fc.tuple(fc.constant(id), fc.integer({ min: 0, max: 17 }), fc.constantFrom(...'0123456789X')),
      );
      fc.assert(
        fc.property(
          mutation.filter(([id, position, replacement]) => id.charAt(position) !== replacement),
          ([id, position, replacement]) => {
            const mutated = id.slice(0, position) + replacement + id.slice(position + 1);
            expect(parseIdNumber(mutated).ok).toBe(false);
          },
        ),
        { numRuns: 500 },
      );
    });

    it('normalises dirty spellings to the clean number', () => {
      const dirty = validIdNumber.chain((id) => fc.tuple(fc.constant(id), dirtied(id)));
      fc.assert(
        fc.property(dirty, ([id, raw]) => {
          expect(idNumber.parse(raw)).toBe(id);
        }),
      );
    });

    it('upgrades every legacy 15-digit number to a valid 18-character one with the same facts', () => {
      const legacy = validIdNumber
        .filter((id) => id.slice(6, 8) === '19')
        .map((id) => id.slice(0, 6) + id.slice(8, 17));
      fc.assert(
        fc.property(legacy, (id15) => {
          const upgraded = idNumber.parse(id15);
          expect(upgraded).toHaveLength(18);
          expect(upgraded.slice(0, 6) + upgraded.slice(8, 17)).toBe(id15);
          expect(idNumber.parse(fullWidth(id15))).toBe(upgraded);
        }),
      );
    });

    it('is idempotent', () => {
      const input = fc.oneof(
        validIdNumber.chain(dirtied),
        fc.string({ maxLength: 24 }),
        fc.stringMatching(/^[0-9xX -]{15,22}$/),
      );
      fc.assert(
        fc.property(input, (raw) => {
          const once = parseIdNumber(raw);
          if (once.ok) expect(parseIdNumber(once.value)).toEqual(once);
        }),
      );
    });
  });
});
