import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toFieldErrors } from '#schemas/errors.ts';
import { addressDetail, normaliseAddressDetail } from '#schemas/values/address.ts';

describe('addressDetail', () => {
  it.each([
    ['文三路90号3幢2单元301室', '文三路90号3幢2单元301室', 'already canonical'],
    ['文三路90号3-2-301', '文三路90号3幢2单元301室', 'building-unit-room with dashes'],
    ['文三路90号3-2-301室', '文三路90号3幢2单元301室', 'dashes with 室'],
    ['文三路９０号３－２－３０１', '文三路90号3幢2单元301室', 'full-width digits and dash'],
    ['文三路90号 3 - 2 - 301', '文三路90号3幢2单元301室', 'spaces around dashes'],
    ['  文三路 90 号  ', '文三路90号', 'spaces dropped between Chinese and digits'],
    ['Building A 301', 'Building A 301', 'spaces kept between ASCII words'],
    ['文三路90-3-2-301', '文三路90-3-2-301', 'four parts are not building-unit-room'],
  ])('normalises %s to %s (%s)', (raw, expected) => {
    expect(addressDetail.parse(raw)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'only spaces'],
    ['路'.repeat(201), 'over 200 characters'],
  ])('rejects %s with ADDRESS_FORMAT (%s), without echoing it', (raw) => {
    const [error] = toFieldErrors(addressDetail.safeParse(raw).error ?? { issues: [] });
    expect(error?.code).toBe('ADDRESS_FORMAT');
    expect(error?.message).not.toContain('路路');
  });

  it('is idempotent', () => {
    const pieces = fc.constantFrom(
      '文三路',
      '90号',
      '3',
      '-',
      '－',
      '—',
      ' ',
      '　',
      '2',
      '301',
      '室',
      '号',
      'A',
      'b',
      '幢',
      '１',
    );
    const input = fc.oneof(
      fc.array(pieces, { maxLength: 12 }).map((parts) => parts.join('')),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(input, (raw) => {
        const once = normaliseAddressDetail(raw);
        expect(normaliseAddressDetail(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });
});
