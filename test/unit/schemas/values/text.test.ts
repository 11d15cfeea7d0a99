import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { echo, errorMessage, maskNumbers } from '#schemas/errors.ts';
import {
  canonicalText,
  containsPersonalNumber,
  hasRefusedCharacter,
  identifierProblem,
} from '#schemas/values/index.ts';
import { BIDI, INVISIBLE, showsLongNumber, withInvisibles } from '../../../helpers/hostile-text.ts';
import { dirtied, fullWidth, validIdNumber } from './arbitraries.ts';

describe('canonicalText', () => {
  it.each([
    ['张伟', '张伟', 'already canonical'],
    ['  Ｊｏｈｎ　 Smith ', 'John Smith', 'NFKC, whitespace runs one space, trimmed'],
    ['杭州\u200b某某\u202e公司\ufeff', '杭州某某公司', 'invisible and bidi characters removed'],
    ['a\u2028b\u2029c\u0085d\td', 'a b c d d', 'every whitespace character a space'],
    ['e\u200b\u0301', 'é', 'a mark brought next to its letter composes'],
  ])('turns %j into %j (%s)', (raw, expected) => {
    expect(canonicalText(raw)).toBe(expected);
  });

  it('removes every invisible and bidi character and is stable', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 12 }).chain(withInvisibles), (raw) => {
        const once = canonicalText(raw);
        for (const hidden of [...INVISIBLE, ...BIDI]) expect(once).not.toContain(hidden);
        expect(canonicalText(once)).toBe(once);
      }),
    );
  });
});

describe('hasRefusedCharacter', () => {
  it.each([
    ['NUL', '\u0000'],
    ['escape', '\u001b'],
    ['a C1 control', '\u0090'],
    ['a lone high surrogate', 'a\ud800'],
    ['a lone low surrogate', '\udc00b'],
    ['U+FFFD', '\ufffd'],
    ['a noncharacter', '\ufdd0'],
    ['a plane-end noncharacter', '\u{10ffff}'],
  ])('refuses %s', (_, text) => {
    expect(hasRefusedCharacter(`张${text}伟`)).toBe(true);
  });

  it.each([
    ['tab and line breaks', 'a\tb\nc\r'],
    ['a surrogate pair (an emoji, a rare Han character)', '😀𠀀'],
    ['private use (rare name characters)', '\ue000'],
  ])('accepts %s', (_, text) => {
    expect(hasRefusedCharacter(text)).toBe(false);
  });
});

describe('identifierProblem', () => {
  it.each([
    ['L-0001', undefined],
    ['landlord-wang-fang', undefined],
    ['', 'VALUE_OUT_OF_RANGE'],
    ['   ', 'VALUE_OUT_OF_RANGE'],
    ['x'.repeat(129), 'TOO_LONG'],
    ['L-0001\u0000', 'CHARACTER_INVALID'],
    ['L-\u202e0001', 'CHARACTER_INVALID'],
    ['L-\u200b0001', 'CHARACTER_INVALID'],
    ['L-\ud800', 'CHARACTER_INVALID'],
  ])('%j: %s', (raw, problem) => {
    expect(identifierProblem(raw, 128)).toBe(problem);
  });
});

describe('containsPersonalNumber', () => {
  it.each([
    'ID:330106199003071236',
    '330106199003071236',
    '11010519491231002x',
    '３３０１０６１９９００３０７１２３６',
    '330106 19900307 1236',
    '3301-0619-9003-0712-36',
    '33010619900307\u200b1236',
    'user-330106900307123-a',
    '13912345678',
    '+86 139 1234 5678',
  ])('finds one in %j', (text) => {
    expect(containsPersonalNumber(text)).toBe(true);
  });

  it.each([
    'landlord-wang-fang',
    'org-42',
    '550e8400-e29b-41d4-a716-446655440000',
    '91330106MA2711111A',
    'L-2024-08-28-0001',
    '139123456789',
  ])('finds none in %j', (text) => {
    expect(containsPersonalNumber(text)).toBe(false);
  });

  it('finds any valid ID number, however written and wherever it sits', () => {
    const disguised = validIdNumber.chain((id) =>
      fc.tuple(
        fc.oneof(dirtied(id), fc.constant(fullWidth(id))).chain(withInvisibles),
        fc.string(),
        fc.string(),
      ),
    );
    fc.assert(
      fc.property(disguised, ([id, before, after]) => {
        expect(containsPersonalNumber(`${before.replace(/\d/g, '')}:${id}:${after.replace(/\d/g, '')}`)).toBe(
          true,
        );
      }),
    );
  });
});

describe('messages never show a phone or ID number', () => {
  it.each([
    ['Received: 13912345678.', 'Received: 139****5678.'],
    ['Received: 139 1234 5678.', 'Received: 139****5678.'],
    ['Received: 3301０６199003071236.', 'Received: 330***********1236.'],
    ['Received: 2016-08-28 < 2017-01-01.', 'Received: 2016-08-28 < 2017-01-01.'],
    ['Accepted: a number from 1 to 100000.', 'Accepted: a number from 1 to 100000.'],
  ])('%j becomes %j', (text, masked) => {
    expect(maskNumbers(text)).toBe(masked);
  });

  it('masks a number with separators or invisible characters anywhere in a message or an echo', () => {
    const number = fc.oneof(validIdNumber, fc.constant('13912345678')).chain((n) => withInvisibles(n));
    fc.assert(
      fc.property(number, fc.string({ maxLength: 20 }), (hidden, around) => {
        expect(showsLongNumber(errorMessage('ENUM_UNKNOWN', { received: `${around}${hidden}` }))).toBe(false);
        expect(showsLongNumber(echo(`${around}${hidden}`))).toBe(false);
      }),
    );
  });

  it('echoes a megabyte as a short, visible prefix', () => {
    const echoed = echo(`a\u0000\u202e${'张'.repeat(1_000_000)}`);
    expect(echoed).toBe(`a${'张'.repeat(39)}…`);
  });
});
