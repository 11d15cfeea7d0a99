import { describe, expect, it } from 'vitest';
import { describeRecord } from '../../../../schemas/index.ts';
import {
  errorsOf,
  itBehavesLikeARecordKind,
  itRejectsEach,
  itRequiresEach,
  loadRecordFixture,
  normalised,
  useFixedClock,
  withChanges,
} from './helpers.ts';

const KIND = 'permit-application';
const { canonical } = loadRecordFixture(KIND);

describe('permit-application', () => {
  useFixedClock();
  itBehavesLikeARecordKind(KIND);

  itRequiresEach(KIND, canonical, [
    'applicant',
    'applicant.idNumber',
    'applicant.name',
    'cityDivisionCode',
    'address',
    'address.detail',
    'claims',
    'channel',
    'submittedOn',
  ]);

  itRejectsEach(KIND, canonical, [
    ['applicant.idNumber', '510104199501012345', 'ID_NUMBER_CHECKSUM'],
    ['cityDivisionCode', '330000', 'DIVISION_LEVEL'],
    ['cityDivisionCode', '339900', 'DIVISION_CODE_UNKNOWN'],
    ['claims', [], 'VALUE_OUT_OF_RANGE'],
    ['channel', 'fax', 'ENUM_UNKNOWN'],
    ['submittedOn', '2024-06-02', 'DATE_IN_FUTURE'],
  ] as const);

  it('rejects an unknown claim where it stands in the list', () => {
    expect(errorsOf(KIND, withChanges(canonical, { claims: ['housing', 'lottery'] }))).toStrictEqual([
      { path: 'claims.1', code: 'ENUM_UNKNOWN' },
    ]);
  });

  it('takes the city from a county code and keeps the claims once each, in catalogue order', () => {
    const record = normalised(
      KIND,
      withChanges(canonical, { cityDivisionCode: '330106', claims: '连续就读，就业 就业' }),
    );

    expect(record.cityDivisionCode).toBe('330100');
    expect(record.claims).toStrictEqual(['employment', 'schooling']);
  });

  it('accepts a municipality written as its province', () => {
    const record = normalised(
      KIND,
      withChanges(canonical, {
        cityDivisionCode: '北京市',
        address: { divisionCode: '110105', detail: '朝阳路1号' },
      }),
    );

    expect(record.cityDivisionCode).toBe('110100');
  });

  it('rejects an address outside the city applied to', () => {
    const errors = errorsOf(KIND, withChanges(canonical, { 'address.divisionCode': '330212' }));

    expect(errors).toStrictEqual([{ path: 'address.divisionCode', code: 'DIVISION_MISMATCH' }]);
  });

  it('describes the application by city and day, with the applicant as person and the county of residence', () => {
    const record = normalised(KIND, canonical);

    expect(describeRecord(KIND, record)).toStrictEqual({
      naturalKey: ['330100', '2017-03-01'],
      personIdNumber: '510104199501012344',
      divisionCode: '330106',
    });
  });
});
