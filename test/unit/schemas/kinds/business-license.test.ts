import { describe, expect, it } from 'vitest';
import { describeRecord } from '../../../../schemas/index.ts';
import {
  itBehavesLikeARecordKind,
  itRejectsEach,
  itRequiresEach,
  loadRecordFixture,
  normalised,
  useFixedClock,
  withChanges,
} from './helpers.ts';

const KIND = 'business-license';
const { canonical } = loadRecordFixture(KIND);

describe('business-license', () => {
  useFixedClock();
  itBehavesLikeARecordKind(KIND);

  itRequiresEach(KIND, canonical, [
    'creditCode',
    'name',
    'operator',
    'operator.idNumber',
    'address',
    'registeredOn',
  ]);

  itRejectsEach(KIND, canonical, [
    ['creditCode', '92330106MA2B12345', 'CREDIT_CODE_FORMAT'],
    ['creditCode', '92330106MA2B12345L', 'CREDIT_CODE_CHECKSUM'],
    ['registeredOn', '2024-06-02', 'DATE_IN_FUTURE'],
    ['revokedOn', '2016-09-30', 'DATE_RANGE'],
    ['operator.idNumber', '410102188805121231', 'ID_NUMBER_BIRTHDATE'],
    ['operator.idNumber', '410102198805121232', 'ID_NUMBER_CHECKSUM'],
  ] as const);

  it('describes the licence by credit code, with the operator as person and the revocation as end', () => {
    const record = normalised(KIND, withChanges(canonical, { revokedOn: '2020-03-31' }));

    expect(describeRecord(KIND, record)).toStrictEqual({
      naturalKey: ['92330106MA2B12345K'],
      personIdNumber: '410102198805121231',
      divisionCode: '330106',
      endedOn: '2020-03-31',
    });
  });
});
