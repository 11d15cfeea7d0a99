import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toFieldErrors } from '#schemas/errors.ts';
import {
  CREDIT_CODE_ALPHABET,
  creditCode,
  creditCodeCheckCharacter,
  parseCreditCode,
} from '#schemas/values/credit-code.ts';
import { dirtied } from './arbitraries.ts';

const codeOf = (raw: unknown) => toFieldErrors(creditCode.safeParse(raw).error ?? { issues: [] })[0]?.code;

/** GB 32100 check character straight from DOMAIN.md, independent of the implementation. */
function oracleCheck(first17: string): string {
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const sum = [...first17].reduce(
    (acc, ch, i) => acc + CREDIT_CODE_ALPHABET.indexOf(ch) * (weights[i] ?? 0),
    0,
  );
  return CREDIT_CODE_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

const validCreditCode = fc
  .array(fc.constantFrom(...CREDIT_CODE_ALPHABET), { minLength: 17, maxLength: 17 })
  .map((chars) => chars.join(''))
  .map((first17) => first17 + oracleCheck(first17));

describe('creditCode', () => {
  it('accepts the DOMAIN example 91330106MA2711111A', () => {
    expect(creditCode.parse('91330106MA2711111A')).toBe('91330106MA2711111A');
    expect(creditCodeCheckCharacter('91330106MA2711111')).toBe('A');
  });

  it.each([
    ['91330106ma2711111a', 'lower case'],
    ['９１３３０１０６ＭＡ２７１１１１１Ａ', 'full width'],
    ['９１３３０１０６ｍａ２７１１１１１ａ', 'full-width lower case'],
    ['9133 0106 MA27 1111 1A', 'spaces'],
    ['91330106-MA2711111-A', 'hyphens'],
  ])('normalises %s (%s)', (raw) => {
    expect(creditCode.parse(raw)).toBe('91330106MA2711111A');
  });

  it.each([
    ['', 'empty'],
    ['91330106MA2711111', '17 characters'],
    ['91330106MA2711111AA', '19 characters'],
    ['91330106MA2711111I', 'I is not in the alphabet'],
    ['91330106MO2711111A', 'O is not in the alphabet'],
    ['91330106MA27S1111A', 'S is not in the alphabet'],
    ['91330106MA2711111!', 'punctuation'],
  ])('rejects %s with CREDIT_CODE_FORMAT (%s)', (raw) => {
    expect(codeOf(raw)).toBe('CREDIT_CODE_FORMAT');
  });

  it.each([['91330106MA2711111B'], ['91330106MA2711112A']])('rejects %s with CREDIT_CODE_CHECKSUM', (raw) => {
    expect(codeOf(raw)).toBe('CREDIT_CODE_CHECKSUM');
  });

  it('rejects a wrong type', () => {
    expect(codeOf(91330106)).toBe('TYPE_INVALID');
  });

  it('accepts every generated code and agrees with the oracle', () => {
    fc.assert(
      fc.property(validCreditCode, (code) => {
        expect(parseCreditCode(code)).toEqual({ ok: true, value: code });
        expect(creditCodeCheckCharacter(code.slice(0, 17))).toBe(code.charAt(17));
      }),
    );
  });

  it('rejects every single-character substitution (31 is prime, weights are non-zero mod 31)', () => {
    const mutation = validCreditCode.chain((code) =>
      fc.tuple(fc.constant(code), fc.integer({ min: 0, max: 17 }), fc.constantFrom(...CREDIT_CODE_ALPHABET)),
    );
    fc.assert(
      fc.property(
        mutation.filter(([code, position, replacement]) => code.charAt(position) !== replacement),
        ([code, position, replacement]) => {
          expect(parseCreditCode(code.slice(0, position) + replacement + code.slice(position + 1)).ok).toBe(
            false,
          );
        },
      ),
    );
  });

  it('is idempotent', () => {
    const input = fc.oneof(validCreditCode.chain(dirtied), fc.string({ maxLength: 22 }));
    fc.assert(
      fc.property(input, (raw) => {
        const once = parseCreditCode(raw);
        if (once.ok) expect(parseCreditCode(once.value)).toEqual(once);
      }),
    );
  });

  it('normalises dirty spellings of generated codes', () => {
    const dirty = validCreditCode.chain((code) => fc.tuple(fc.constant(code), dirtied(code)));
    fc.assert(
      fc.property(dirty, ([code, raw]) => {
        expect(creditCode.parse(raw)).toBe(code);
      }),
    );
  });
});
