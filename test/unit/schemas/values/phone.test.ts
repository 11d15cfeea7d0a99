import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toFieldErrors } from '#schemas/errors.ts';
import { mobilePhone, parseMobilePhone } from '#schemas/values/phone.ts';
import { dirtied, fullWidth } from './arbitraries.ts';

const errorsOf = (raw: unknown) => toFieldErrors(mobilePhone.safeParse(raw).error ?? { issues: [] });

const validMobile = fc
  .tuple(fc.integer({ min: 3, max: 9 }), fc.stringMatching(/^\d{9}$/))
  .map(([second, rest]) => `1${second}${rest}`);

describe('mobilePhone', () => {
  it.each<[string | number, string]>([
    ['13812345678', 'plain'],
    ['138 1234 5678', 'spaces'],
    ['138-1234-5678', 'hyphens'],
    ['+86 138 1234 5678', '+86'],
    ['+8613812345678', '+86 without space'],
    ['0086 138 1234 5678', '0086'],
    ['008613812345678', '0086 without space'],
    ['86 13812345678', '86 with a space'],
    ['8613812345678', '86 without space'],
    ['(+86) 138-1234-5678', 'brackets'],
    ['１３８１２３４５６７８', 'full-width digits'],
    ['＋８６　１３８　１２３４　５６７８', 'full-width plus and ideographic spaces'],
    [13812345678, 'a number'],
  ])('normalises %s (%s) to 13812345678', (raw) => {
    expect(mobilePhone.parse(raw)).toBe('13812345678');
  });

  it.each([
    ['', 'empty'],
    ['1381234567', '10 digits'],
    ['138123456789', '12 digits'],
    ['12812345678', 'second digit 2'],
    ['23812345678', 'does not start with 1'],
    ['+1 13812345678', 'foreign country code'],
    ['0571-88888888', 'landline'],
    ['138l2345678', 'a letter'],
  ])('rejects %s with PHONE_FORMAT (%s)', (raw) => {
    expect(errorsOf(raw)[0]?.code).toBe('PHONE_FORMAT');
  });

  it('masks the number in the message', () => {
    // Act
    const [error] = errorsOf('12812345678');

    // Assess
    expect(error?.message).toContain('128****5678');
    expect(error?.message).not.toContain('12812345678');
  });

  it('accepts every valid mobile in dirty spellings', () => {
    const dirty = validMobile.chain((mobile) =>
      fc.tuple(
        fc.constant(mobile),
        fc.oneof(
          dirtied(mobile),
          dirtied(`+86${mobile}`),
          dirtied(`0086${mobile}`),
          fc.constant(fullWidth(mobile)),
        ),
      ),
    );
    fc.assert(
      fc.property(dirty, ([mobile, raw]) => {
        expect(mobilePhone.parse(raw)).toBe(mobile);
      }),
    );
  });

  it('never puts all digits of a rejected number into the message', () => {
    const wrong = fc.oneof(
      validMobile.map((mobile) => `2${mobile.slice(1)}`),
      validMobile.map((mobile) => `${mobile}9`),
      validMobile.map((mobile) => `+1${mobile}`),
    );
    fc.assert(
      fc.property(wrong, (raw) => {
        const digits = raw.replace(/\D/g, '');
        for (const error of [
          ...errorsOf(raw),
          ...toFieldErrors(mobilePhone.safeParse(raw).error ?? { issues: [] }, { locale: 'zh' }),
        ]) {
          expect(error.message).not.toContain(digits);
          expect(error.message).not.toContain(digits.slice(-11));
        }
      }),
    );
  });

  it('is idempotent', () => {
    const input = fc.oneof(
      validMobile.chain(dirtied),
      fc.string({ maxLength: 20 }),
      fc.stringMatching(/^[+\d -]{11,18}$/),
    );
    fc.assert(
      fc.property(input, (raw) => {
        const once = parseMobilePhone(raw);
        if (once.ok) expect(parseMobilePhone(once.value)).toEqual(once);
      }),
    );
  });
});
