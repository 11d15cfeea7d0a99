import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toFieldErrors } from '#schemas/errors.ts';
import { normalisePersonName, personName } from '#schemas/values/name.ts';

const codeOf = (raw: unknown) => toFieldErrors(personName.safeParse(raw).error ?? { issues: [] })[0]?.code;

describe('personName', () => {
  it.each([
    ['张三', '张三', 'plain'],
    ['  张三 ', '张三', 'trimmed'],
    ['阿依古丽•买买提', '阿依古丽·买买提', 'DOMAIN example, bullet U+2022'],
    ['阿依古丽・买买提', '阿依古丽·买买提', 'katakana middle dot U+30FB'],
    ['阿依古丽‧买买提', '阿依古丽·买买提', 'hyphenation point U+2027'],
    ['阿依古丽.买买提', '阿依古丽·买买提', 'full stop'],
    ['阿依古丽･买买提', '阿依古丽·买买提', 'half-width katakana middle dot U+FF65'],
    ['阿依古丽．买买提', '阿依古丽·买买提', 'full-width full stop'],
    ['阿依古丽·买买提', '阿依古丽·买买提', 'already U+00B7'],
    ['阿依古丽 • 买买提', '阿依古丽·买买提', 'spaces around the dot'],
    ['John   Smith', 'John Smith', 'inner spaces collapsed'],
    ['Ｊｏｈｎ　Ｓｍｉｔｈ', 'John Smith', 'full-width letters and ideographic space'],
    ['买买提·艾力·阿不都', '买买提·艾力·阿不都', 'two dots'],
  ])('normalises %s to %s (%s)', (raw, expected) => {
    expect(personName.parse(raw)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'only spaces'],
    ['张3', 'a digit'],
    ['张３', 'a full-width digit'],
    ['阿依古丽●买买提', 'a black circle is not a middle dot'],
    ['·阿依古丽', 'dot at the start'],
    ['阿依古丽·', 'dot at the end'],
    ['阿依古丽··买买提', 'doubled dot'],
    ['阿依古丽•・买买提', 'doubled look-alike dots'],
    ['张三!', 'punctuation'],
    ['张'.repeat(51), 'over 50 characters'],
  ])('rejects %s with NAME_FORMAT (%s)', (raw) => {
    expect(codeOf(raw)).toBe('NAME_FORMAT');
  });

  it('accepts exactly 50 characters', () => {
    expect(personName.parse('张'.repeat(50))).toBe('张'.repeat(50));
  });

  it('never echoes the name in the message', () => {
    const [error] = toFieldErrors(personName.safeParse('阿依古丽●买买提').error ?? { issues: [] });
    expect(error?.message).not.toContain('阿依古丽');
  });

  it('is idempotent', () => {
    const pieces = fc.constantFrom(
      '阿依古丽',
      '买买提',
      '张',
      'John',
      ' ',
      '  ',
      '•',
      '・',
      '.',
      '·',
      '‧',
      '･',
      'é',
      'e\u0301',
      '3',
    );
    const input = fc.oneof(
      fc.array(pieces, { maxLength: 8 }).map((parts) => parts.join('')),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(input, (raw) => {
        const once = normalisePersonName(raw);
        expect(normalisePersonName(once)).toBe(once);
        const parsed = personName.safeParse(raw);
        if (parsed.success) expect(personName.parse(parsed.data)).toBe(parsed.data);
      }),
    );
  });
});
