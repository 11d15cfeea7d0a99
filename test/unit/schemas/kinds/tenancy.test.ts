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

const KIND = 'tenancy';
const { canonical } = loadRecordFixture(KIND);

describe('tenancy', () => {
  useFixedClock();
  itBehavesLikeARecordKind(KIND);

  itRequiresEach(KIND, canonical, [
    'tenant',
    'landlord',
    'landlord.name',
    'property',
    'property.divisionCode',
    'startsOn',
  ]);

  it('lets the planned end and the start lie ahead, but not the actual end', () => {
    const planned = withChanges(canonical, { startsOn: '2024-07-01', endsOn: '2025-06-30' });
    const ended = withChanges(canonical, { endedOn: '2024-06-02' });

    expect(normalised(KIND, planned)).toMatchObject({ startsOn: '2024-07-01', endsOn: '2025-06-30' });
    expect(errorsOf(KIND, ended)).toStrictEqual([{ path: 'endedOn', code: 'DATE_IN_FUTURE' }]);
  });

  it.each([
    ['endsOn', '2016-08-27'],
    ['endedOn', '2016-01-01'],
  ])('rejects %s before startsOn with DATE_RANGE', (path, date) => {
    expect(errorsOf(KIND, withChanges(canonical, { [path]: date }))).toStrictEqual([
      { path, code: 'DATE_RANGE' },
    ]);
  });

  it('reports both date-order errors together', () => {
    const data = withChanges(canonical, { endsOn: '2016-08-01', endedOn: '2016-08-02' });

    expect(errorsOf(KIND, data)).toStrictEqual([
      { path: 'endedOn', code: 'DATE_RANGE' },
      { path: 'endsOn', code: 'DATE_RANGE' },
    ]);
  });

  it('accepts a one-day lease (end dates are inclusive)', () => {
    expect(normalised(KIND, withChanges(canonical, { endsOn: '2016-08-28' })).endsOn).toBe('2016-08-28');
  });

  it('reports a landlord error and a tenant error together', () => {
    const data = withChanges(canonical, { 'landlord.creditCode': REMOVE, 'tenant.phone': '110' });

    expect(errorsOf(KIND, data)).toStrictEqual([
      { path: 'landlord', code: 'ONE_OF_REQUIRED' },
      { path: 'tenant.phone', code: 'PHONE_FORMAT' },
    ]);
  });

  it('describes the tenancy by property, start and tenant', () => {
    const record = normalised(KIND, withChanges(canonical, { endedOn: '2017-05-31' }));

    expect(describeRecord(KIND, record)).toStrictEqual({
      naturalKey: ['330106', '文三路90号3幢2单元301室', '2016-08-28'],
      personIdNumber: '410102198805121231',
      divisionCode: '330106',
      endedOn: '2017-05-31',
    });
  });
});
