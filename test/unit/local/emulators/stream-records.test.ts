import { describe, expect, it } from 'vitest';
import { eventNameOf, sameItem } from '#local/emulators/stream-records.ts';

describe('sameItem', () => {
  it('ignores the order of attributes, map entries and set members', () => {
    expect(
      sameItem(
        { a: { S: 'x' }, m: { M: { p: { N: '1' }, q: { SS: ['b', 'a'] } } }, n: { NS: ['1', '2'] } },
        { n: { NS: ['2', '1'] }, m: { M: { q: { SS: ['a', 'b'] }, p: { N: '1' } } }, a: { S: 'x' } },
      ),
    ).toBe(true);
  });

  it.each([
    ['a changed value', { a: { S: 'x' } }, { a: { S: 'y' } }],
    ['another type', { a: { S: '1' } }, { a: { N: '1' } }],
    ['an added attribute', { a: { S: 'x' } }, { a: { S: 'x' }, b: { NULL: true } }],
    [
      'a list in another order',
      { l: { L: [{ S: 'a' }, { S: 'b' }] } },
      { l: { L: [{ S: 'b' }, { S: 'a' }] } },
    ],
    ['a longer set', { s: { SS: ['a'] } }, { s: { SS: ['a', 'b'] } }],
    [
      'a deep change',
      { m: { M: { l: { L: [{ M: { v: { BOOL: true } } }] } } } },
      { m: { M: { l: { L: [{ M: { v: { BOOL: false } } }] } } } },
    ],
  ])('tells %s apart', (_, a, b) => {
    expect(sameItem(a, b)).toBe(false);
    expect(sameItem(b, a)).toBe(false);
  });
});

describe('eventNameOf', () => {
  it('names INSERT, MODIFY and REMOVE, and nothing for a write that changed nothing', () => {
    const item = { pk: { S: 'k' }, v: { N: '1' } };
    expect(eventNameOf(undefined, item)).toBe('INSERT');
    expect(eventNameOf(item, { ...item, v: { N: '2' } })).toBe('MODIFY');
    expect(eventNameOf(item, undefined)).toBe('REMOVE');
    expect(eventNameOf(item, { v: { N: '1' }, pk: { S: 'k' } })).toBeUndefined();
    expect(eventNameOf(undefined, undefined)).toBeUndefined();
  });
});
