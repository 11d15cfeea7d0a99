import { describe, expect, it } from 'vitest';
import { describeRecord } from '../../../../schemas/index.ts';
import {
  errorsOf,
  itBehavesLikeARecordKind,
  loadRecordFixture,
  normalised,
  REMOVE,
  useFixedClock,
  withChanges,
} from './helpers.ts';

const KIND = 'rental-property';
const { canonical } = loadRecordFixture(KIND);

describe('rental-property', () => {
  useFixedClock();
  itBehavesLikeARecordKind(KIND);

  it('accepts a company as owner', () => {
    const data = withChanges(canonical, {
      owner: { name: '杭州58同城物业（有限合伙）', creditCode: '91330106MA2711111A' },
    });

    expect(normalised(KIND, data).owner).toStrictEqual({
      name: '杭州58同城物业(有限合伙)',
      creditCode: '91330106MA2711111A',
    });
  });

  it.each([
    ['neither identifier', { name: '李秀英' }],
    [
      'both identifiers',
      { name: '李秀英', idNumber: '11010519491231002X', creditCode: '91330106MA2711111A' },
    ],
  ])('rejects an owner with %s', (_, owner) => {
    expect(errorsOf(KIND, withChanges(canonical, { owner }))).toStrictEqual([
      { path: 'owner', code: 'ONE_OF_REQUIRED' },
    ]);
  });

  it('normalises a person owner name as a person name and rejects an invalid one', () => {
    const dotted = withChanges(canonical, { 'owner.name': '热依汗 • 吐尔逊' });
    const invalid = withChanges(canonical, { 'owner.name': '李秀英2' });

    expect(normalised(KIND, dotted).owner.name).toBe('热依汗·吐尔逊');
    expect(errorsOf(KIND, invalid)).toStrictEqual([{ path: 'owner.name', code: 'NAME_FORMAT' }]);
  });

  it.each([
    ['areaSqm', '-3', 'VALUE_OUT_OF_RANGE'],
    ['areaSqm', '大约五十', 'TYPE_INVALID'],
    ['areaSqm', true, 'TYPE_INVALID'],
    ['rooms', 1.5, 'VALUE_OUT_OF_RANGE'],
    ['rooms', 0, 'VALUE_OUT_OF_RANGE'],
    ['owner.idNumber', '11010519491231002Y', 'ID_NUMBER_FORMAT'],
    ['owner.creditCode', '91330106MA2711111B', 'CREDIT_CODE_CHECKSUM'],
    ['address.detail', 'x'.repeat(201), 'ADDRESS_FORMAT'],
    ['certificateNo', 'x'.repeat(65), 'VALUE_OUT_OF_RANGE'],
  ] as const)('rejects %s = %j with %s', (path, value, code) => {
    const errors = errorsOf(KIND, withChanges(canonical, { [path]: value }));

    expect(errors).toContainEqual({ path, code });
    expect(errors.filter((error) => error.code !== 'ONE_OF_REQUIRED')).toHaveLength(1);
  });

  it('reads numbers written with units and full-width digits', () => {
    const record = normalised(KIND, withChanges(canonical, { areaSqm: '１２０㎡', rooms: '3间' }));

    expect(record).toMatchObject({ areaSqm: 120, rooms: 3 });
  });

  it('omits absent optional fields instead of writing undefined', () => {
    const data = withChanges(canonical, { areaSqm: REMOVE, rooms: '', certificateNo: null });

    expect(Object.keys(normalised(KIND, data))).toStrictEqual(['owner', 'address']);
  });

  it('describes the property by its address alone, without a person', () => {
    expect(describeRecord(KIND, normalised(KIND, canonical))).toStrictEqual({
      naturalKey: ['330106', '文三路90号3幢2单元301室'],
      divisionCode: '330106',
    });
  });
});
