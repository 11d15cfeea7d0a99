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

const KIND = 'social-insurance';
const { canonical } = loadRecordFixture(KIND);

describe('social-insurance', () => {
  useFixedClock();
  itBehavesLikeARecordKind(KIND);

  itRequiresEach(KIND, canonical, ['person', 'insuranceType', 'divisionCode', 'startedOn']);

  it('does not require an employer (self-employed and flexible workers insure themselves)', () => {
    expect(normalised(KIND, withChanges(canonical, { employer: REMOVE }))).not.toHaveProperty('employer');
  });

  itRejectsEach(KIND, canonical, [
    ['insuranceType', '住房公积金', 'ENUM_UNKNOWN'],
    ['startedOn', '2024-06-02', 'DATE_IN_FUTURE'],
    ['stoppedOn', '2016-08-31', 'DATE_RANGE'],
    ['employer.creditCode', 'I1330106MA2711111A', 'CREDIT_CODE_FORMAT'],
  ] as const);

  it('reports all errors of a record with several at once', () => {
    const data = withChanges(canonical, {
      'person.idNumber': '42010219750815111',
      insuranceType: '住房公积金',
      divisionCode: '000000',
      stoppedOn: '2099-01-01',
    });

    expect(errorsOf(KIND, data)).toStrictEqual([
      { path: 'divisionCode', code: 'DIVISION_CODE_UNKNOWN' },
      { path: 'insuranceType', code: 'ENUM_UNKNOWN' },
      { path: 'person.idNumber', code: 'ID_NUMBER_FORMAT' },
      { path: 'stoppedOn', code: 'DATE_IN_FUTURE' },
    ]);
  });

  it('describes the insurance by type, county and person', () => {
    const record = normalised(
      KIND,
      withChanges(canonical, { insuranceType: '医保', stoppedOn: '2019-01-31' }),
    );

    expect(describeRecord(KIND, record)).toStrictEqual({
      naturalKey: ['medical', '330106'],
      personIdNumber: '420102197508151116',
      divisionCode: '330106',
      endedOn: '2019-01-31',
    });
  });
});
