import { describe, expect, it } from 'vitest';
import { describeRecord } from '../../../../schemas/index.ts';
import {
  errorsOf,
  itBehavesLikeARecordKind,
  itRejectsEach,
  itRequiresEach,
  loadRecordFixture,
  normalised,
  REMOVE,
  useFixedClock,
  withChanges,
} from './helpers.ts';

const KIND = 'residence-registration';
const { canonical } = loadRecordFixture(KIND);

describe('residence-registration', () => {
  useFixedClock();
  itBehavesLikeARecordKind(KIND);

  it('derives gender and birth date from the ID number when they are absent', () => {
    // Prepare
    const data = withChanges(canonical, { 'person.gender': REMOVE, 'person.birthDate': REMOVE });

    // Act
    const record = normalised(KIND, data);

    // Assess
    expect(record.person).toMatchObject({ gender: 'female', birthDate: '1995-01-01' });
    expect(Object.keys(record.person).slice(0, 4)).toStrictEqual(['idNumber', 'name', 'gender', 'birthDate']);
  });

  it('keeps an unknown or unspecified gender as given', () => {
    const record = normalised(KIND, withChanges(canonical, { 'person.gender': '未说明的性别' }));

    expect(record.person.gender).toBe('unspecified');
  });

  it.each([
    ['person.gender', 'male', 'ID_GENDER_MISMATCH'],
    ['person.gender', '1', 'ID_GENDER_MISMATCH'],
    ['person.birthDate', '1995-01-02', 'ID_BIRTHDATE_MISMATCH'],
  ] as const)('rejects %s %s contradicting the ID number with %s', (path, value, code) => {
    expect(errorsOf(KIND, withChanges(canonical, { [path]: value }))).toStrictEqual([{ path, code }]);
  });

  itRejectsEach(KIND, canonical, [
    ['person.idNumber', '510104199501012345', 'ID_NUMBER_CHECKSUM'],
    ['person.idNumber', '5101041995010123', 'ID_NUMBER_FORMAT'],
    ['person.name', '张3', 'NAME_FORMAT'],
    ['person.phone', '12345', 'PHONE_FORMAT'],
    ['person.ethnicity', '火星族', 'ENUM_UNKNOWN'],
    ['person.hukouDivisionCode', '999999', 'DIVISION_CODE_UNKNOWN'],
    ['address.divisionCode', '330199', 'DIVISION_CODE_UNKNOWN'],
    ['residenceType', 'castle', 'ENUM_UNKNOWN'],
    ['reason', 42, 'ENUM_UNKNOWN'],
    ['movedInOn', '2016-02-30', 'DATE_INVALID'],
    ['movedInOn', 'last summer', 'DATE_FORMAT'],
    ['movedInOn', '2024-06-02', 'DATE_IN_FUTURE'],
    ['movedOutOn', '2024-06-02', 'DATE_IN_FUTURE'],
    ['movedInOn', { year: 2016 }, 'TYPE_INVALID'],
  ] as const);

  itRequiresEach(KIND, canonical, [
    'person',
    'person.idNumber',
    'person.name',
    'address',
    'address.detail',
    'residenceType',
    'movedInOn',
  ]);

  it('reports every error of the record at once, an invalid ID number hiding none of the others', () => {
    const data = withChanges(canonical, {
      'person.idNumber': '510104199501012345',
      'person.gender': 'male',
      residenceType: 'castle',
      movedInOn: '2016-08-28',
      movedOutOn: '2016-08-01',
      remark: 'x',
    });

    expect(errorsOf(KIND, data)).toStrictEqual([
      // The gender is not checked against an invalid ID number; the move-out date still is.
      { path: 'movedOutOn', code: 'DATE_RANGE' },
      { path: 'person.idNumber', code: 'ID_NUMBER_CHECKSUM' },
      { path: 'remark', code: 'FIELD_UNKNOWN' },
      { path: 'residenceType', code: 'ENUM_UNKNOWN' },
    ]);
  });

  it('accepts a move-out on the move-in day and rejects one before it', () => {
    expect(normalised(KIND, withChanges(canonical, { movedOutOn: '2016-08-28' })).movedOutOn).toBe(
      '2016-08-28',
    );
    expect(errorsOf(KIND, withChanges(canonical, { movedOutOn: '2016-08-27' }))).toStrictEqual([
      { path: 'movedOutOn', code: 'DATE_RANGE' },
    ]);
  });

  it('skips the date order when the move-in date itself is invalid', () => {
    const data = withChanges(canonical, { movedInOn: '2016-13-01', movedOutOn: '2010-01-01' });

    expect(errorsOf(KIND, data)).toStrictEqual([{ path: 'movedInOn', code: 'DATE_INVALID' }]);
  });

  it('splits an address text into the division and the detail', () => {
    const record = normalised(
      KIND,
      withChanges(canonical, { address: '浙江省杭州市西湖区 文三路９０号3-2-301' }),
    );

    expect(record.address).toStrictEqual({ divisionCode: '330106', detail: '文三路90号3幢2单元301室' });
  });

  it('drops a division prefix of the detail that agrees with the given code, keeps one that contradicts it', () => {
    const agreeing = withChanges(canonical, { 'address.detail': '杭州市西湖区文三路90号' });
    const contradicting = withChanges(canonical, { 'address.detail': '宁波市鄞州区中山路1号' });

    expect(normalised(KIND, agreeing).address.detail).toBe('文三路90号');
    expect(normalised(KIND, contradicting).address.detail).toBe('宁波市鄞州区中山路1号');
  });

  it('requires address.divisionCode when an address text names no division', () => {
    expect(errorsOf(KIND, withChanges(canonical, { address: '文三路90号' }))).toStrictEqual([
      { path: 'address.divisionCode', code: 'REQUIRED' },
    ]);
  });

  it('accepts a flattened address division next to an address text', () => {
    const data = withChanges(loadRecordFixture(KIND).dirty, {
      现住址: '文三路90号3-2-301',
      居住地区划代码: '330106',
    });

    expect(normalised(KIND, data).address).toStrictEqual(canonical.address);
  });

  it('accepts the person as a nested object with Chinese labels', () => {
    const data = withChanges(canonical, {
      person: REMOVE,
      人员信息: {
        姓名: '阿依古丽・买买提',
        身份证号码: '510104199501012344',
        民族: '维吾尔',
        手机号码: '13812345678',
      },
    });

    expect(normalised(KIND, data).person).toStrictEqual({
      idNumber: '510104199501012344',
      name: '阿依古丽·买买提',
      gender: 'female',
      birthDate: '1995-01-01',
      ethnicity: '05',
      phone: '13812345678',
    });
  });

  it('rejects a field given both by its canonical name and by a label', () => {
    const data = withChanges(canonical, {
      入住日期: '2016-08-28',
      'person.公民身份号码': '510104199501012344',
    });

    expect(errorsOf(KIND, data)).toStrictEqual([
      { path: 'movedInOn', code: 'ONE_OF_REQUIRED' },
      { path: 'person.idNumber', code: 'ONE_OF_REQUIRED' },
    ]);
  });

  it('describes the registration by county, person and move-out date', () => {
    const record = normalised(KIND, withChanges(canonical, { movedOutOn: '2018-01-31' }));

    expect(describeRecord(KIND, record)).toStrictEqual({
      naturalKey: ['330106'],
      personIdNumber: '510104199501012344',
      divisionCode: '330106',
      endedOn: '2018-01-31',
    });
  });
});
