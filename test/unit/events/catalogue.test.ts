import { describe, expect, it } from 'vitest';
import {
  CHANGES,
  changeOf,
  detailTypeOf,
  detailTypesOfKind,
  EVENT_KINDS,
  isEventKind,
  parseDetailType,
  pascalKind,
  SOURCE,
} from '../../../events/index.ts';
import { RECORD_KINDS } from '../../../schemas/index.ts';

describe('event catalogue', () => {
  it('publishes under the source residence-data-hub', () => {
    expect(SOURCE).toBe('residence-data-hub');
  });

  it('covers exactly the record kinds of the canonical model', () => {
    expect([...EVENT_KINDS].sort()).toEqual([...RECORD_KINDS].sort());
  });

  it.each([
    ['residence-registration', 'ResidenceRegistration'],
    ['residence-departure', 'ResidenceDeparture'],
    ['rental-property', 'RentalProperty'],
    ['tenancy', 'Tenancy'],
    ['employment', 'Employment'],
    ['social-insurance', 'SocialInsurance'],
    ['schooling', 'Schooling'],
    ['business-license', 'BusinessLicense'],
  ] as const)('derives the PascalCase name of %s', (kind, pascal) => {
    expect(pascalKind(kind)).toBe(pascal);
  });

  it('names detail types <PascalKind>.<Created|Updated|Ended>', () => {
    expect(detailTypeOf('residence-registration', 'created')).toBe('ResidenceRegistration.Created');
    expect(detailTypeOf('business-license', 'ended')).toBe('BusinessLicense.Ended');
    expect(detailTypeOf('social-insurance', 'updated')).toBe('SocialInsurance.Updated');
  });

  it('lists one detail type per kind and change, all distinct', () => {
    const detailTypes = EVENT_KINDS.flatMap((kind) => detailTypesOfKind(kind));
    expect(detailTypes).toHaveLength(EVENT_KINDS.length * CHANGES.length);
    expect(new Set(detailTypes).size).toBe(detailTypes.length);
    expect(detailTypesOfKind('tenancy')).toEqual(['Tenancy.Created', 'Tenancy.Updated', 'Tenancy.Ended']);
  });

  it('parses every detail type back to its kind and change', () => {
    for (const kind of EVENT_KINDS) {
      for (const change of CHANGES) {
        expect(parseDetailType(detailTypeOf(kind, change))).toEqual({ kind, change });
      }
    }
    expect(parseDetailType('Tenancy.Deleted')).toBeUndefined();
    expect(parseDetailType('tenancy.created')).toBeUndefined();
  });

  it('recognises event kinds', () => {
    expect(isEventKind('tenancy')).toBe(true);
    expect(isEventKind('Tenancy')).toBe(false);
    expect(isEventKind(42)).toBe(false);
  });
});

describe('changeOf', () => {
  it.each([
    [{ version: 1 }, 'created'],
    [{ version: 1, endedOn: '2026-06-30' }, 'created'],
    [{ version: 2 }, 'updated'],
    [{ version: 2, endedOn: '2026-06-30' }, 'ended'],
    [{ version: 5, endedOn: '2026-06-30', previousEndedOn: '2026-06-30' }, 'updated'],
    [{ version: 5, endedOn: '2026-07-31', previousEndedOn: '2026-06-30' }, 'updated'],
    [{ version: 3, previousEndedOn: '2026-06-30' }, 'updated'],
  ] as const)('%o is %s', (facts, expected) => {
    expect(changeOf(facts)).toBe(expected);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects version %s', (version) => {
    expect(() => changeOf({ version })).toThrow(RangeError);
  });
});
