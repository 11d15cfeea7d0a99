import { describe, expect, it } from 'vitest';
import { describeRecord } from '../../../../schemas/index.ts';
import {
  errorsOf,
  itBehavesLikeARecordKind,
  itRequiresEach,
  loadRecordFixture,
  normalised,
  REMOVE,
  useFixedClock,
  withChanges,
} from './helpers.ts';

const KIND = 'employment';
const { canonical } = loadRecordFixture(KIND);

describe('employment', () => {
  useFixedClock();
  itBehavesLikeARecordKind(KIND);

  itRequiresEach(KIND, canonical, [
    'person',
    'employer.creditCode',
    'employer.name',
    'employer.divisionCode',
    'contractType',
    'startsOn',
  ]);

  it.each([
    ['employer.creditCode', '91330106MA2711111B', 'CREDIT_CODE_CHECKSUM'],
    ['employer.creditCode', '91330106MA27111', 'CREDIT_CODE_FORMAT'],
    ['contractType', '口头约定', 'ENUM_UNKNOWN'],
    ['endedOn', '2024-06-02', 'DATE_IN_FUTURE'],
    ['endsOn', '2016-08-31', 'DATE_RANGE'],
    ['endedOn', '2016-08-31', 'DATE_RANGE'],
    ['occupation', '', 'REQUIRED'],
  ] as const)('rejects %s = %j with %s', (path, value, code) => {
    const data = withChanges(canonical, { [path]: value });
    // A blank optional field is absent, not an error: only a required one is reported.
    const expected = value === '' ? [] : [{ path, code }];

    if (expected.length === 0) expect(normalised(KIND, data)).not.toHaveProperty('occupation');
    else expect(errorsOf(KIND, data)).toStrictEqual(expected);
  });

  it('accepts a contract starting in the future', () => {
    expect(
      normalised(KIND, withChanges(canonical, { startsOn: '2024-09-01', endsOn: REMOVE })).startsOn,
    ).toBe('2024-09-01');
  });

  it('describes the employment by employer, start and person, routed to the employer county', () => {
    const record = normalised(
      KIND,
      withChanges(canonical, { endedOn: '2018-12-31', 'employer.divisionCode': '330212' }),
    );

    expect(describeRecord(KIND, record)).toStrictEqual({
      naturalKey: ['91330106MA2711111A', '2016-09-01'],
      personIdNumber: '420102197508151116',
      divisionCode: '330212',
      endedOn: '2018-12-31',
    });
  });
});
