import { describe, expect, it } from 'vitest';
import { describeRecord, normaliseRecord } from '../../../../schemas/index.ts';
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

const KIND = 'residence-permit';
const { canonical } = loadRecordFixture(KIND);

describe('residence-permit', () => {
  useFixedClock();
  itBehavesLikeARecordKind(KIND);

  itRequiresEach(KIND, canonical, [
    'permitNumber',
    'holder',
    'holder.idNumber',
    'issuingDivisionCode',
    'issuedOn',
    'endorsedUntil',
    'status',
  ]);

  itRejectsEach(KIND, canonical, [
    ['permitNumber', 'ZJ-12', 'DOCUMENT_NUMBER_FORMAT'],
    ['permitNumber', '浙A0012345', 'DOCUMENT_NUMBER_FORMAT'],
    ['status', 'expired', 'ENUM_UNKNOWN'],
    ['issuedOn', '2024-06-02', 'DATE_IN_FUTURE'],
    ['issuingDivisionCode', '339999', 'DIVISION_CODE_UNKNOWN'],
    ['applicationId', 'REC#abc', 'VALUE_INVALID'],
  ] as const);

  it('accepts the Chinese labels of the notice (居住证编号, 签发机关, 签注有效期至, 状态) and the status labels', () => {
    const record = normalised(KIND, {
      居住证编号: 'ZJ3301062017000123',
      公民身份号码: '510104199501012344',
      姓名: '阿依古丽·买买提',
      签发机关: '330106',
      签发日期: '2017-03-10',
      签注有效期至: '2018-03-09',
      状态: '挂失',
    });

    expect(record).toStrictEqual({
      permitNumber: 'ZJ3301062017000123',
      holder: { idNumber: '510104199501012344', name: '阿依古丽·买买提' },
      issuingDivisionCode: '330106',
      issuedOn: '2017-03-10',
      endorsedUntil: '2018-03-09',
      status: 'lost',
    });
  });

  it('never echoes the permit number in an error', () => {
    const result = normaliseRecord(KIND, withChanges(canonical, { permitNumber: 'ZJ330106#2017000123' }));

    expect(JSON.stringify(result)).not.toContain('2017000123');
  });

  it('keeps endorsements oldest first, whatever order they come in', () => {
    const record = normalised(
      KIND,
      withChanges(canonical, {
        endorsedUntil: '2020-03-09',
        endorsements: [
          { endorsedOn: '2019-03-01', endorsedUntil: '2020-03-09' },
          { endorsedOn: '2018-03-01', endorsedUntil: '2019-03-09' },
        ],
      }),
    );

    expect(record.endorsements?.map((e) => e.endorsedOn)).toStrictEqual(['2018-03-01', '2019-03-01']);
  });

  it('rejects endorsements out of order with the permit, each at its place', () => {
    const errors = errorsOf(
      KIND,
      withChanges(canonical, {
        endorsements: [
          { endorsedOn: '2017-01-01', endorsedUntil: '2018-01-01' },
          { endorsedOn: '2018-03-01', endorsedUntil: '2018-02-01' },
          { endorsedOn: '2018-04-01', endorsedUntil: '2020-03-09' },
        ],
      }),
    );

    expect(errors).toStrictEqual([
      { path: 'endorsedUntil', code: 'DATE_RANGE' },
      { path: 'endorsements.0.endorsedOn', code: 'DATE_RANGE' },
      { path: 'endorsements.1.endorsedUntil', code: 'DATE_RANGE' },
    ]);
  });

  it('rejects a validity that ends before the issue', () => {
    const errors = errorsOf(
      KIND,
      withChanges(canonical, { endorsedUntil: '2017-03-09', endorsements: REMOVE }),
    );

    expect(errors).toStrictEqual([{ path: 'endorsedUntil', code: 'DATE_RANGE' }]);
  });

  it('describes the permit by its number, with the holder as person, the issuing county and no end date', () => {
    const record = normalised(KIND, canonical);

    expect(describeRecord(KIND, record)).toStrictEqual({
      naturalKey: ['ZJ3301062017000123'],
      personIdNumber: '510104199501012344',
      divisionCode: '330106',
    });
  });
});
