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

const KIND = 'card-link';
const { canonical } = loadRecordFixture(KIND);

describe('card-link', () => {
  useFixedClock();
  itBehavesLikeARecordKind(KIND);

  itRequiresEach(KIND, canonical, [
    'permitNumber',
    'holder',
    'holder.idNumber',
    'cardType',
    'cardNumber',
    'divisionCode',
    'linkedOn',
  ]);

  itRejectsEach(KIND, canonical, [
    ['cardType', 'bank-card', 'ENUM_UNKNOWN'],
    ['cardNumber', 'HZ 001', 'DOCUMENT_NUMBER_FORMAT'],
    ['linkedOn', '2024-06-02', 'DATE_IN_FUTURE'],
    ['unlinkedOn', '2017-03-19', 'DATE_RANGE'],
  ] as const);

  it('accepts the social security card by its Chinese name', () => {
    expect(normalised(KIND, withChanges(canonical, { cardType: '社保卡' })).cardType).toBe(
      'social-security-card',
    );
  });

  it('describes the link by card type and permit, with the holder as person and the unlinking as end', () => {
    const record = normalised(KIND, withChanges(canonical, { unlinkedOn: '2018-01-31' }));

    expect(describeRecord(KIND, record)).toStrictEqual({
      naturalKey: ['citizen-card', 'ZJ3301062017000123'],
      personIdNumber: '510104199501012344',
      divisionCode: '330100',
      endedOn: '2018-01-31',
    });
  });
});
