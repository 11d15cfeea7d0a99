import { describe, expect, it } from 'vitest';
import { isStoredForm } from '#local/emulators/stored-form.ts';

// dynalite stores an item as sent unless it rewrites it; the stream tap uses the sent item as the new image
// only when it would not.

describe('isStoredForm', () => {
  it('accepts items dynalite keeps byte for byte', () => {
    expect(
      isStoredForm({
        pk: { S: 'REC#1' },
        n: { N: '-12.5' },
        zero: { N: '0' },
        big: { N: '123456789012345678901234567890' },
        ok: { BOOL: false },
        none: { NULL: true },
        bin: { B: 'AAEC' },
        tags: { SS: ['a', 'b'] },
        sizes: { NS: ['1', '2.25'] },
        nested: { M: { list: { L: [{ S: 'x' }, { M: { y: { N: '3' } } }] } } },
      }),
    ).toBe(true);
  });

  it.each([
    ['a number with a trailing zero', { n: { N: '1.50' } }],
    ['a number with a leading zero', { n: { N: '01' } }],
    ['a number in exponent form', { n: { N: '1e3' } }],
    ['negative zero', { n: { N: '-0' } }],
    ['a rewritten number in a set', { s: { NS: ['1', '+2'] } }],
    ['a rewritten number deep in a map', { m: { M: { l: { L: [{ N: '.5' }] } } } }],
    ['a boolean sent as a string', { b: { BOOL: 'true' } }],
    ['a value with two types', { v: { S: 'x', N: '1' } }],
    ['a value with an unknown type', { v: { X: 'x' } }],
    ['a value that is not an object', { v: 'x' }],
  ])('refuses %s', (_, item) => {
    expect(isStoredForm(item)).toBe(false);
  });

  it('refuses what is not an item', () => {
    expect(isStoredForm(undefined)).toBe(false);
    expect(isStoredForm([{ S: 'x' }])).toBe(false);
  });
});
