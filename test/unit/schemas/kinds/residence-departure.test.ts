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

const KIND = 'residence-departure';
const { canonical } = loadRecordFixture(KIND);

describe('residence-departure', () => {
  useFixedClock();
  itBehavesLikeARecordKind(KIND);

  itRequiresEach(KIND, canonical, ['person', 'person.idNumber', 'person.name', 'divisionCode', 'movedOutOn']);

  itRejectsEach(KIND, canonical, [
    ['divisionCode', '999999', 'DIVISION_CODE_UNKNOWN'],
    ['divisionCode', '火星省', 'DIVISION_CODE_UNKNOWN'],
    ['destinationDivisionCode', '123', 'DIVISION_CODE_UNKNOWN'],
    ['movedOutOn', '2024-06-02', 'DATE_IN_FUTURE'],
    ['person.gender', 'male', 'FIELD_UNKNOWN'],
  ] as const);

  it('accepts a move-out today', () => {
    expect(normalised(KIND, withChanges(canonical, { movedOutOn: '2024-06-01' })).movedOutOn).toBe(
      '2024-06-01',
    );
  });

  it('resolves division names to codes', () => {
    const record = normalised(
      KIND,
      withChanges(canonical, { divisionCode: '杭州市西湖区', destinationDivisionCode: 330212 }),
    );

    expect(record).toMatchObject({ divisionCode: '330106', destinationDivisionCode: '330212' });
  });

  it('describes the departure by county and date; being an end in itself it carries no endedOn', () => {
    const record = normalised(KIND, canonical);

    expect(describeRecord(KIND, record)).toStrictEqual({
      naturalKey: ['330106', '2017-03-01'],
      personIdNumber: '410102198805121231',
      divisionCode: '330106',
    });
  });
});
