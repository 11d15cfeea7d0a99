import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  buildDerivedEvent,
  DERIVED_DETAIL_TYPES,
  DERIVED_SOURCE,
  type EligibilityChangedDetail,
  eligibilityChangedDetailSchema,
  type ProfileUpdatedDetail,
  parseDetailType,
  profileUpdatedDetailSchema,
  SOURCE,
  SUBSCRIPTIONS,
} from '../../../events/index.ts';

const PERSON = 'a'.repeat(64);
const HASH = 'b'.repeat(64);

const profileUpdated = (overrides: Partial<ProfileUpdatedDetail> = {}): ProfileUpdatedDetail => ({
  id: `${PERSON}:2`,
  schemaVersion: 1,
  personKey: PERSON,
  version: 2,
  profileHash: HASH,
  previousProfileHash: 'c'.repeat(64),
  changedSections: ['employments'],
  divisionCode: '330106',
  occurredAt: '2025-09-01T00:05:00.000Z',
  ...overrides,
});

const eligibilityChanged = (overrides: Partial<EligibilityChangedDetail> = {}): EligibilityChangedDetail => ({
  id: `${PERSON}:3`,
  schemaVersion: 1,
  personKey: PERSON,
  version: 3,
  asOf: '2025-09-01',
  eligible: true,
  eligibleFrom: '2025-09-01',
  city: '3301',
  met: ['residence6Months', 'awayFromHukou', 'employment'],
  missing: ['housing', 'schooling'],
  previous: { eligible: false, eligibleFrom: '2025-09-01', met: ['awayFromHukou', 'employment'] },
  cause: 'time',
  occurredAt: '2025-08-31T16:05:00.000Z',
  ...overrides,
});

describe('derived events', () => {
  it('have their own source, so the derive rule (source residence-data-hub) never matches them', () => {
    expect(DERIVED_SOURCE).not.toBe(SOURCE);
    expect(DERIVED_SOURCE.startsWith(`${SOURCE}.`)).toBe(true);
  });

  it('are no record detail-type, so no department subscription delivers them', () => {
    const derived = Object.values(DERIVED_DETAIL_TYPES) as string[];
    expect(derived.filter((type) => parseDetailType(type) !== undefined)).toEqual([]);
    for (const subscription of SUBSCRIPTIONS) {
      expect(subscription.eventTypes.filter((type) => derived.includes(type))).toEqual([]);
    }
  });

  it('builds a PersonProfile.Updated entry whose detail round-trips through the contract', () => {
    // Act
    const entry = buildDerivedEvent(DERIVED_DETAIL_TYPES.profileUpdated, profileUpdated(), 'hub-bus');

    // Assess
    expect(entry).toMatchObject({
      Source: DERIVED_SOURCE,
      DetailType: 'PersonProfile.Updated',
      EventBusName: 'hub-bus',
    });
    expect(profileUpdatedDetailSchema.parse(JSON.parse(entry.Detail))).toEqual(profileUpdated());
  });

  it('builds a PermitEligibility.Changed entry whose detail round-trips through the contract', () => {
    const entry = buildDerivedEvent(DERIVED_DETAIL_TYPES.eligibilityChanged, eligibilityChanged());

    expect(entry.EventBusName).toBeUndefined();
    expect(eligibilityChangedDetailSchema.parse(JSON.parse(entry.Detail))).toEqual(eligibilityChanged());
  });

  it('accepts a first evaluation without `previous` and a not-yet-eligible person without eligibleFrom', () => {
    const { previous: _previous, eligibleFrom: _from, ...first } = eligibilityChanged({ eligible: false });

    expect(() => buildDerivedEvent(DERIVED_DETAIL_TYPES.eligibilityChanged, first)).not.toThrow();
  });

  it('refuses an id that is not <personKey>:<version>', () => {
    expect(() =>
      buildDerivedEvent(DERIVED_DETAIL_TYPES.profileUpdated, profileUpdated({ id: `${PERSON}:9` })),
    ).toThrow(ZodError);
  });

  it('refuses personal data smuggled in as an extra field, and unknown condition names', () => {
    const withName = { ...eligibilityChanged(), name: '张伟' } as EligibilityChangedDetail;
    const badCondition = eligibilityChanged({ met: ['income' as never] });

    expect(() => buildDerivedEvent(DERIVED_DETAIL_TYPES.eligibilityChanged, withName)).toThrow(ZodError);
    expect(() => buildDerivedEvent(DERIVED_DETAIL_TYPES.eligibilityChanged, badCondition)).toThrow(ZodError);
  });
});
