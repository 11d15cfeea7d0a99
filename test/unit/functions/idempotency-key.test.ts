import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProblemError } from '#api/problems.ts';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from '#functions/http/idempotency.ts';

/** The printable range's ends, its neighbours, and characters HTTP headers may carry but keys may not. */
const edgeCharacter = fc.constantFrom(
  ' ',
  '!',
  '~',
  'a',
  '\u001f',
  '\u007f',
  '\t',
  '\u00e9',
  '键',
  '\u{1f600}',
);
const isPrintableAscii = (value: string) => [...value].every((c) => c >= ' ' && c <= '~');

describe('idempotencyKeyOf', () => {
  it('is undefined without the header', () => {
    expect(idempotencyKeyOf({ 'content-type': 'application/json' })).toBeUndefined();
  });

  it.each(['a', '8e03978e-40d5-43e8-bc93-6894a57f9324', 'order 42 / retry', '~'.repeat(128)])(
    'returns %j as it is',
    (key) => {
      expect(idempotencyKeyOf({ [IDEMPOTENCY_KEY_HEADER]: key })).toBe(key);
    },
  );

  it('accepts exactly the strings of 1 to 128 printable ASCII characters, refusing the rest with 400', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 140 }), fc.string({ unit: edgeCharacter, maxLength: 140 })),
        (key) => {
          const valid = key.length >= 1 && key.length <= 128 && isPrintableAscii(key);
          try {
            expect(idempotencyKeyOf({ [IDEMPOTENCY_KEY_HEADER]: key })).toBe(key);
            expect(valid).toBe(true);
          } catch (error) {
            if (!(error instanceof ProblemError)) throw error;
            expect(valid).toBe(false);
            expect(error.code).toBe('INVALID_IDEMPOTENCY_KEY');
            // The refusal never echoes the key (a caller may have put personal data in it).
            if (key.length > 3) expect(error.message).not.toContain(key);
          }
        },
      ),
    );
  });
});
