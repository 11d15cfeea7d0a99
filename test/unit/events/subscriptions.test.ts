import { describe, expect, it } from 'vitest';
import {
  buildSubscriptions,
  DEPARTMENTS,
  type Department,
  detailTypesOfKind,
  ENVELOPE_FIELDS,
  type EventKind,
  SUBSCRIPTIONS,
  SubscriberIdError,
  type Subscription,
  subscriberSubscription,
  subscriptionFor,
  withSubscribers,
} from '../../../events/index.ts';
import { CANONICAL_LEAF_PATHS } from './canonical-shapes.ts';

const byDepartment = (department: Department): Subscription => {
  const subscription = SUBSCRIPTIONS.find((candidate) => candidate.department === department);
  if (subscription === undefined) throw new Error(`no subscription for ${department}`);
  return subscription;
};

const recordFields = (subscription: Subscription, kind: EventKind): string[] =>
  (subscription.fields[kind] ?? []).filter((path) => path.startsWith('record.')).map((path) => path.slice(7));

const allPaths = (subscription: Subscription): string[] => Object.values(subscription.fields).flat();

describe('the default subscription catalogue', () => {
  it('has one subscription per department, named after it', () => {
    expect(SUBSCRIPTIONS.map((subscription) => subscription.department)).toEqual([...DEPARTMENTS]);
    expect(SUBSCRIPTIONS.map((subscription) => subscription.name)).toEqual([...DEPARTMENTS]);
    for (const subscription of SUBSCRIPTIONS) {
      expect(subscription.filter).toBeUndefined();
      expect(subscription.description.length).toBeGreaterThan(20);
    }
  });

  it.each([
    [
      'public-security',
      [
        'residence-registration',
        'residence-departure',
        'rental-property',
        'tenancy',
        'business-license',
        'permit-application',
        'residence-permit',
        'card-link',
      ],
    ],
    ['housing', ['rental-property', 'tenancy']],
    [
      'hrss',
      [
        'employment',
        'social-insurance',
        'business-license',
        'residence-registration',
        'residence-permit',
        'card-link',
      ],
    ],
    ['education', ['schooling', 'residence-registration']],
    ['health', ['residence-registration', 'residence-departure', 'residence-permit']],
    ['justice', ['residence-permit']],
    ['culture-sports', ['residence-permit']],
  ] as const)('%s receives every change of exactly its kinds', (department, kinds) => {
    const subscription = byDepartment(department);
    expect(Object.keys(subscription.fields).sort()).toEqual([...kinds].sort());
    expect([...subscription.eventTypes].sort()).toEqual(
      kinds.flatMap((kind) => detailTypesOfKind(kind)).sort(),
    );
  });

  it.each(
    SUBSCRIPTIONS.flatMap((subscription) =>
      Object.keys(subscription.fields).map((kind) => [subscription.name, kind]),
    ),
  )('%s / %s projects only fields the kind has', (name, kind) => {
    const subscription = SUBSCRIPTIONS.find((candidate) => candidate.name === name) as Subscription;
    const paths = subscription.fields[kind as EventKind] ?? [];
    const envelope = paths.filter((path) => !path.startsWith('record.'));
    expect(envelope.filter((path) => !(ENVELOPE_FIELDS as readonly string[]).includes(path))).toEqual([]);
    const unknown = recordFields(subscription, kind as EventKind).filter(
      (path) => !CANONICAL_LEAF_PATHS[kind as EventKind].includes(path),
    );
    expect(unknown).toEqual([]);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toEqual(
      expect.arrayContaining(['id', 'kind', 'change', 'recordId', 'version', 'occurredAt']),
    );
  });

  it('never projects personKey for rental properties, which have no subject person', () => {
    for (const subscription of SUBSCRIPTIONS) {
      expect(subscription.fields['rental-property'] ?? []).not.toContain('personKey');
    }
  });
});

describe('minimum necessary (PIPL)', () => {
  // Patterns a department's projection must never contain, whatever the kind.
  const forbidden: Record<Department, RegExp[]> = {
    'public-security': [/monthlyRentYuan/, /educationLevel/],
    housing: [/ethnicity/, /employer/, /educationLevel/, /submittedBy/],
    hrss: [/ethnicity/, /educationLevel/, /hukouDivisionCode/, /submittedBy/],
    education: [/ethnicity/, /employer/, /person\.idNumber/, /person\.phone/, /submittedBy/],
    health: [/employer/, /ethnicity/, /idNumber/, /submittedBy/],
    justice: [/idNumber/, /name/, /phone/, /permitNumber/, /submittedBy/, /applicationId/],
    'culture-sports': [/idNumber/, /name/, /phone/, /permitNumber/, /submittedBy/, /applicationId/],
  };

  it.each(DEPARTMENTS)('%s receives none of its forbidden fields', (department) => {
    const paths = allPaths(byDepartment(department));
    for (const pattern of forbidden[department]) {
      expect(paths.filter((path) => pattern.test(path))).toEqual([]);
    }
  });

  it('gives ethnicity to public security alone', () => {
    const holders = SUBSCRIPTIONS.filter((subscription) =>
      allPaths(subscription).some((path) => /ethnicity/.test(path)),
    );
    expect(holders.map((subscription) => subscription.department)).toEqual(['public-security']);
  });

  it('gives public security the clear ID number of every person it is sent', () => {
    const subscription = byDepartment('public-security');
    expect(recordFields(subscription, 'residence-registration')).toContain('person.idNumber');
    expect(recordFields(subscription, 'residence-departure')).toContain('person.idNumber');
    expect(recordFields(subscription, 'tenancy')).toEqual(
      expect.arrayContaining(['tenant.idNumber', 'landlord.idNumber']),
    );
    expect(recordFields(subscription, 'rental-property')).toContain('owner.idNumber');
    expect(recordFields(subscription, 'business-license')).toContain('operator.idNumber');
  });

  it('tells education only where and how families live', () => {
    expect(recordFields(byDepartment('education'), 'residence-registration')).toEqual([
      'address.divisionCode',
      'address.detail',
      'residenceType',
      'movedInOn',
    ]);
  });

  it('tells health who lives where and how to reach them, nothing more', () => {
    expect(recordFields(byDepartment('health'), 'residence-registration')).toEqual([
      'person.name',
      'person.gender',
      'person.birthDate',
      'person.phone',
      'address.divisionCode',
      'address.detail',
    ]);
  });

  it('tells hrss where a worker lives, not who they are beyond the personKey', () => {
    expect(recordFields(byDepartment('hrss'), 'residence-registration')).toEqual([
      'address.divisionCode',
      'movedInOn',
      'movedOutOn',
    ]);
  });
});

describe('the permit (凭证服务): who learns what', () => {
  const VALIDITY = ['issuingDivisionCode', 'issuedOn', 'endorsedUntil', 'status'];

  it.each(['justice', 'culture-sports', 'health'] as const)(
    '%s learns only whether a permit is in force and in which city, by personKey',
    (department) => {
      const subscription = byDepartment(department);
      expect(recordFields(subscription, 'residence-permit')).toEqual(VALIDITY);
      expect(subscription.fields['residence-permit']).toContain('personKey');
    },
  );

  it('gives the permit number and the card numbers to public security, and card numbers to hrss only', () => {
    const holders = (pattern: RegExp) =>
      SUBSCRIPTIONS.filter((s) => allPaths(s).some((path) => pattern.test(path))).map((s) => s.department);

    expect(holders(/permitNumber/)).toEqual(['public-security']);
    expect(holders(/cardNumber/)).toEqual(['public-security', 'hrss']);
    expect(holders(/record\.applicant\./)).toEqual(['public-security']);
  });

  it('writes down why each department receives each permit kind', () => {
    for (const subscription of SUBSCRIPTIONS) {
      for (const kind of ['permit-application', 'residence-permit', 'card-link'] as const) {
        if (subscription.fields[kind] === undefined) continue;
        expect(subscription.reasons[kind]?.length ?? 0, `${subscription.name} / ${kind}`).toBeGreaterThan(20);
      }
    }
  });
});

describe('configuring the catalogue', () => {
  it('builds only the departments of an environment', () => {
    const subscriptions = buildSubscriptions({ departments: ['housing', 'health'] });
    expect(subscriptions.map((subscription) => subscription.department)).toEqual(['housing', 'health']);
  });

  it('applies a content filter per department', () => {
    const subscriptions = buildSubscriptions({
      filters: { housing: { divisionCodePrefix: ['3301', '3302'] } },
    });
    const housing = subscriptions.find((subscription) => subscription.department === 'housing');
    expect(housing?.filter).toEqual({ divisionCodePrefix: ['3301', '3302'] });
    expect(subscriptions.filter((subscription) => subscription.filter !== undefined)).toHaveLength(1);
  });

  it.each([[['330']], [['33010']], [['33a1']], [[]]])('rejects the division prefix list %o', (prefixes) => {
    expect(() => subscriptionFor('housing', { filter: { divisionCodePrefix: prefixes } })).toThrow(/prefix/i);
  });
});

describe('subscribers: a department office per jurisdiction', () => {
  it('names a city office after its department and division prefix, with the department projection', () => {
    const office = subscriberSubscription('public-security@3301');

    expect(office).toMatchObject({
      department: 'public-security',
      subscriber: 'public-security@3301',
      name: 'public-security-3301',
      filter: { divisionCodePrefix: ['3301'] },
    });
    expect(office.fields).toEqual(byDepartment('public-security').fields);
  });

  it('takes a bare department as the province-wide subscriber', () => {
    expect(subscriberSubscription('health')).toEqual(byDepartment('health'));
  });

  it.each(['police@3301', 'health@33011', 'health@', 'Health', 'health@3301+x', 'health 3301'])(
    'refuses %s',
    (id) => {
      expect(() => subscriberSubscription(id)).toThrow(SubscriberIdError);
    },
  );

  it('adds offices to the departments, each once', () => {
    const all = withSubscribers(SUBSCRIPTIONS, ['housing@3301', 'health@330106']);

    expect(all.map((subscription) => subscription.subscriber)).toEqual([
      ...DEPARTMENTS,
      'housing@3301',
      'health@330106',
    ]);
    expect(() => withSubscribers(SUBSCRIPTIONS, ['housing@3301', 'housing@3301'])).toThrow(SubscriberIdError);
    expect(() => withSubscribers(SUBSCRIPTIONS, ['housing'])).toThrow(SubscriberIdError);
  });
});
