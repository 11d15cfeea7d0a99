import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPersonProfile, type ProfileSource, profileHash } from '#domain/profile.ts';

const ID = '330106199003071236';
const AT = '2024-06-01T08:00:00.000Z';

const sources: ProfileSource[] = [
  {
    recordId: 'residence-registration:old',
    kind: 'residence-registration',
    version: 1,
    // Written after the newer registration: the move-in date, not the write time, decides which is recent.
    updatedAt: '2024-07-01T00:00:00.000Z',
    record: {
      person: {
        idNumber: ID,
        name: '张三',
        gender: 'male',
        birthDate: '1990-03-07',
        phone: '13800000001',
        educationLevel: 'senior-secondary',
      },
      address: { divisionCode: '330108', detail: '江南大道1号' },
      residenceType: 'rented',
      movedInOn: '2022-01-01',
      movedOutOn: '2023-12-31',
    },
  },
  {
    recordId: 'residence-registration:new',
    kind: 'residence-registration',
    version: 2,
    updatedAt: AT,
    record: {
      person: {
        idNumber: ID,
        name: '张三',
        gender: 'male',
        birthDate: '1990-03-07',
        educationLevel: 'bachelor',
      },
      address: { divisionCode: '330106', detail: '文三路90号3幢2单元301室' },
      residenceType: 'owned',
      reason: 'work',
      movedInOn: '2024-01-01',
    },
  },
  {
    recordId: 'employment:1',
    kind: 'employment',
    version: 1,
    updatedAt: AT,
    record: {
      person: { idNumber: ID, name: '张三', phone: '13900000009' },
      employer: { creditCode: '91330106MA2711111A', name: '杭州某某科技有限公司', divisionCode: '330106' },
      contractType: 'open-ended',
      startsOn: '2024-01-15',
    },
  },
  {
    recordId: 'social-insurance:1',
    kind: 'social-insurance',
    version: 3,
    updatedAt: AT,
    record: {
      person: { idNumber: ID, name: '张三' },
      insuranceType: 'pension',
      divisionCode: '330106',
      startedOn: '2024-02-01',
    },
  },
  {
    recordId: 'tenancy:1',
    kind: 'tenancy',
    version: 1,
    updatedAt: AT,
    record: {
      tenant: { idNumber: ID, name: '张三' },
      landlord: { name: '李四', idNumber: '11010519491231002X' },
      property: { divisionCode: '330108', detail: '江南大道1号' },
      startsOn: '2022-01-01',
      endedOn: '2023-12-31',
    },
  },
  {
    recordId: 'business-license:1',
    kind: 'business-license',
    version: 1,
    updatedAt: AT,
    record: {
      creditCode: '92330106MA2711111X',
      name: '西湖区某某小吃店',
      operator: { idNumber: ID, name: '张三' },
      address: { divisionCode: '330106', detail: '文三路92号' },
      registeredOn: '2024-03-01',
    },
  },
  {
    recordId: 'residence-departure:1',
    kind: 'residence-departure',
    version: 1,
    updatedAt: AT,
    record: { person: { idNumber: ID, name: '张三' }, divisionCode: '330108', movedOutOn: '2023-12-31' },
  },
  {
    recordId: 'schooling:1',
    kind: 'schooling',
    version: 1,
    updatedAt: AT,
    record: {
      student: { idNumber: ID, name: '张三' },
      school: { name: '杭州某某职业技术学院', divisionCode: '330106' },
      stage: 'vocational',
      enrolledOn: '2024-09-01',
    },
  },
  {
    recordId: 'rental-property:1',
    kind: 'rental-property',
    version: 1,
    updatedAt: AT,
    record: {
      owner: { name: '王五房东', idNumber: '11010519491231002X', phone: '13700000007' },
      address: { divisionCode: '330106', detail: '文三路90号3幢2单元301室' },
    },
  },
];

describe('buildPersonProfile', () => {
  it('merges every kind into one chronological view', () => {
    // Act
    const profile = buildPersonProfile('pk-1', sources);

    // Assess
    expect(profile.personKey).toBe('pk-1');
    expect(profile.residences).toEqual([
      {
        recordId: 'residence-registration:old',
        divisionCode: '330108',
        detail: '江南大道1号',
        residenceType: 'rented',
        movedInOn: '2022-01-01',
        movedOutOn: '2023-12-31',
      },
      {
        recordId: 'residence-registration:new',
        divisionCode: '330106',
        detail: '文三路90号3幢2单元301室',
        residenceType: 'owned',
        reason: 'work',
        movedInOn: '2024-01-01',
      },
    ]);
    expect(profile.employments).toEqual([
      {
        recordId: 'employment:1',
        employerCreditCode: '91330106MA2711111A',
        employerName: '杭州某某科技有限公司',
        divisionCode: '330106',
        contractType: 'open-ended',
        startsOn: '2024-01-15',
      },
    ]);
    expect(profile.insurances).toEqual([
      {
        recordId: 'social-insurance:1',
        insuranceType: 'pension',
        divisionCode: '330106',
        startedOn: '2024-02-01',
      },
    ]);
    expect(profile.tenancies).toEqual([
      {
        recordId: 'tenancy:1',
        divisionCode: '330108',
        detail: '江南大道1号',
        startsOn: '2022-01-01',
        endedOn: '2023-12-31',
      },
    ]);
    expect(profile.businessLicenses).toEqual([
      {
        recordId: 'business-license:1',
        creditCode: '92330106MA2711111X',
        name: '西湖区某某小吃店',
        divisionCode: '330106',
        registeredOn: '2024-03-01',
      },
    ]);
    expect(profile.schooling).toEqual([
      {
        recordId: 'schooling:1',
        schoolName: '杭州某某职业技术学院',
        divisionCode: '330106',
        stage: 'vocational',
        enrolledOn: '2024-09-01',
      },
    ]);
    expect(profile.departures).toEqual([
      { recordId: 'residence-departure:1', divisionCode: '330108', movedOutOn: '2023-12-31' },
    ]);
  });

  it('takes the person from the most recent registration, filling gaps from older sources', () => {
    const { person } = buildPersonProfile('pk-1', sources);

    // The latest registration's education level wins; it has no phone, so the older registration's fills it
    // (registrations come before the person references of other records).
    expect(person).toEqual({
      name: '张三',
      gender: 'male',
      birthDate: '1990-03-07',
      educationLevel: 'bachelor',
      phone: '13800000001',
    });
  });

  it("never takes a property owner's details for the person, and uses refs when nothing is registered", () => {
    const refsOnly = sources.filter((s) => s.kind === 'employment' || s.kind === 'rental-property');

    expect(buildPersonProfile('pk-1', refsOnly).person).toEqual({ name: '张三', phone: '13900000009' });
  });

  it('records the version of every source except rental properties', () => {
    const profile = buildPersonProfile('pk-1', sources);

    expect(profile.sources).toEqual({
      'business-license:1': 1,
      'employment:1': 1,
      'residence-departure:1': 1,
      'residence-registration:new': 2,
      'residence-registration:old': 1,
      'schooling:1': 1,
      'social-insurance:1': 3,
      'tenancy:1': 1,
    });
  });

  it('is the same whatever order the records come in (same profile, same hash)', () => {
    const reference = buildPersonProfile('pk-1', sources);
    const hash = profileHash(reference);

    fc.assert(
      fc.property(
        fc.shuffledSubarray(sources, { minLength: sources.length, maxLength: sources.length }),
        (shuffled) => {
          const profile = buildPersonProfile('pk-1', shuffled);
          expect(profile).toEqual(reference);
          expect(JSON.stringify(profile)).toBe(JSON.stringify(reference));
          expect(profileHash(profile)).toBe(hash);
        },
      ),
    );
  });

  it('is unchanged by a replay: duplicates and older versions of a record never win', () => {
    const reference = buildPersonProfile('pk-1', sources);
    const older: ProfileSource = {
      recordId: 'social-insurance:1',
      kind: 'social-insurance',
      version: 2,
      updatedAt: '2024-05-01T00:00:00.000Z',
      record: {
        person: { idNumber: ID, name: '张三' },
        insuranceType: 'medical',
        divisionCode: '330106',
        startedOn: '2023-01-01',
      },
    };

    fc.assert(
      fc.property(
        fc.shuffledSubarray([...sources, ...sources, older], { minLength: sources.length * 2 + 1 }),
        (replayed) => {
          expect(buildPersonProfile('pk-1', replayed)).toEqual(reference);
        },
      ),
    );
  });
});

describe('the permit in the profile', () => {
  const HOLDER = { idNumber: ID, name: '张三', phone: '13900000009' };
  const PERMIT_NUMBER = 'ZJ3301062024000123';
  const CARD_NUMBER = 'HZ0012345678';
  const permitSources: ProfileSource[] = [
    {
      recordId: 'card-link:1',
      kind: 'card-link',
      version: 1,
      updatedAt: AT,
      record: {
        permitNumber: PERMIT_NUMBER,
        holder: HOLDER,
        cardType: 'citizen-card',
        cardNumber: CARD_NUMBER,
        divisionCode: '330100',
        linkedOn: '2024-03-20',
      },
    },
    {
      recordId: 'residence-permit:1',
      kind: 'residence-permit',
      version: 2,
      updatedAt: AT,
      record: {
        permitNumber: PERMIT_NUMBER,
        holder: HOLDER,
        issuingDivisionCode: '330106',
        applicationId: 'permit-application:1',
        issuedOn: '2024-03-10',
        endorsedUntil: '2025-03-09',
        status: 'valid',
        endorsements: [{ endorsedOn: '2024-12-01', endorsedUntil: '2025-03-09' }],
      },
    },
    {
      recordId: 'permit-application:1',
      kind: 'permit-application',
      version: 1,
      updatedAt: AT,
      record: {
        applicant: HOLDER,
        cityDivisionCode: '330100',
        address: { divisionCode: '330106', detail: '文三路90号' },
        claims: ['employment'],
        channel: 'coordinator',
        submittedOn: '2024-03-01',
      },
    },
  ];

  it('lists applications, permits and card links, without the permit and card numbers', () => {
    const profile = buildPersonProfile('pk', permitSources);

    expect(profile.applications).toEqual([
      {
        recordId: 'permit-application:1',
        cityDivisionCode: '330100',
        divisionCode: '330106',
        claims: ['employment'],
        channel: 'coordinator',
        submittedOn: '2024-03-01',
      },
    ]);
    expect(profile.permits).toEqual([
      {
        recordId: 'residence-permit:1',
        issuingDivisionCode: '330106',
        applicationId: 'permit-application:1',
        issuedOn: '2024-03-10',
        endorsedUntil: '2025-03-09',
        status: 'valid',
        endorsements: [{ endorsedOn: '2024-12-01', endorsedUntil: '2025-03-09' }],
      },
    ]);
    expect(profile.cardLinks).toEqual([
      { recordId: 'card-link:1', cardType: 'citizen-card', divisionCode: '330100', linkedOn: '2024-03-20' },
    ]);
    expect(profile.person).toEqual({ name: '张三', phone: '13900000009' });
    expect(JSON.stringify(profile)).not.toContain(PERMIT_NUMBER);
    expect(JSON.stringify(profile)).not.toContain(CARD_NUMBER);
    expect(profile.sources).toEqual({ 'card-link:1': 1, 'residence-permit:1': 2, 'permit-application:1': 1 });
  });
});

describe('profileHash', () => {
  const reference = buildPersonProfile('pk-1', sources);

  it('changes when the content changes', () => {
    const ended = sources.map((s) =>
      s.kind === 'employment' ? { ...s, version: 2, record: { ...s.record, endedOn: '2024-05-31' } } : s,
    );

    const changed = buildPersonProfile('pk-1', ended);

    expect(profileHash(changed)).not.toBe(profileHash(reference));
  });

  it('stays the same for a new version or write time that changes nothing the view shows', () => {
    const resubmitted = sources.map((s) =>
      s.kind === 'employment' ? { ...s, version: 2, updatedAt: '2024-07-01T00:00:00.000Z' } : s,
    );

    const again = buildPersonProfile('pk-1', resubmitted);

    expect(again.sources['employment:1']).toBe(2);
    expect(profileHash(again)).toBe(profileHash(reference));
  });

  it('is a hex SHA-256', () => {
    expect(profileHash(reference)).toMatch(/^[0-9a-f]{64}$/);
  });
});
