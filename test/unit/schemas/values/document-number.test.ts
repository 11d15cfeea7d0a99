import { describe, expect, it } from 'vitest';
import { toFieldErrors } from '../../../../schemas/errors.ts';
import { documentNumber, parseDocumentNumber } from '../../../../schemas/values/index.ts';

describe('document numbers (permit and card numbers)', () => {
  it.each([
    ['ZJ3301062017000123', 'ZJ3301062017000123'],
    ['zj 330106-2017-000123', 'ZJ3301062017000123'],
    ['ＺＪ３３０１０６２０１７０００１２３', 'ZJ3301062017000123'],
    ['hz\u30000012\u20113456', 'HZ00123456'],
    [123456, '123456'],
  ])('normalises %j to %s', (raw, expected) => {
    expect(documentNumber.parse(raw)).toBe(expected);
  });

  it.each(['ZJ-12', '浙A0012345', 'ZJ330106#2017', 'A'.repeat(33), ''])('rejects %j', (raw) => {
    expect(parseDocumentNumber(raw)).toBeUndefined();
  });

  it('reports DOCUMENT_NUMBER_FORMAT without echoing the number', () => {
    const result = documentNumber.safeParse('ZJ330106#2017000123');

    if (result.success) expect.fail('expected a failure');
    const errors = toFieldErrors(result.error);
    expect(errors.map((e) => e.code)).toStrictEqual(['DOCUMENT_NUMBER_FORMAT']);
    expect(JSON.stringify(errors)).not.toContain('2017000123');
  });
});
