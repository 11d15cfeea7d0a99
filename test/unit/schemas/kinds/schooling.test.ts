import { describe, expect, it } from 'vitest';
import { describeRecord } from '../../../../schemas/index.ts';
import {
  itBehavesLikeARecordKind,
  itRejectsEach,
  itRequiresEach,
  loadRecordFixture,
  normalised,
  REMOVE,
  useFixedClock,
  withChanges,
} from './helpers.ts';

const KIND = 'schooling';
const { canonical } = loadRecordFixture(KIND);

describe('schooling', () => {
  useFixedClock();
  itBehavesLikeARecordKind(KIND);

  itRequiresEach(KIND, canonical, [
    'student',
    'student.idNumber',
    'school',
    'school.name',
    'school.divisionCode',
    'stage',
    'enrolledOn',
  ]);

  it("never derives a minor's gender or birth date, only checks them when given", () => {
    const data = withChanges(canonical, { 'student.gender': REMOVE, 'student.birthDate': REMOVE });

    expect(normalised(KIND, data).student).toStrictEqual({ idNumber: '330106201003071236', name: '王小明' });
  });

  itRejectsEach(KIND, canonical, [
    ['student.gender', '女', 'ID_GENDER_MISMATCH'],
    ['student.birthDate', '2010-03-08', 'ID_BIRTHDATE_MISMATCH'],
    ['stage', '博士后', 'ENUM_UNKNOWN'],
    ['leftOn', '2016-08-31', 'DATE_RANGE'],
    ['leftOn', '2024-06-02', 'DATE_IN_FUTURE'],
    ['grade', 'x'.repeat(33), 'VALUE_OUT_OF_RANGE'],
  ] as const);

  it('accepts an enrolment planned for the coming term', () => {
    expect(normalised(KIND, withChanges(canonical, { enrolledOn: '2024-09-01' })).enrolledOn).toBe(
      '2024-09-01',
    );
  });

  it('describes the schooling by school credit code (or name) and enrolment date', () => {
    const record = normalised(KIND, withChanges(canonical, { leftOn: '2022-07-01' }));
    const withoutCode = normalised(KIND, withChanges(canonical, { 'school.creditCode': REMOVE }));

    expect(describeRecord(KIND, record)).toStrictEqual({
      naturalKey: ['52330106MJ8800001X', '2016-09-01'],
      personIdNumber: '330106201003071236',
      divisionCode: '330106',
      endedOn: '2022-07-01',
    });
    expect(describeRecord(KIND, withoutCode).naturalKey).toStrictEqual(['杭州市文三街小学', '2016-09-01']);
  });
});
