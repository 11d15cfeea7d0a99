import { describe, expect, it } from 'vitest';
import {
  contributionDelta,
  counterId,
  countersOfDivision,
  divisionLevels,
  splitCounterId,
  statsContribution,
  statsView,
  sumContributions,
} from '#domain/stats.ts';
import { application, permit } from './builders.ts';
import {
  businessLicense,
  departure,
  employment,
  facts,
  insurance,
  residence,
  schooling,
  sorted,
} from './stats-facts.ts';

/** The counters one current registration adds at one division, for a person with no job, cover or school. */
const baseCounters = (movedIn: string, type = 'rented') => ({
  registered: 1,
  [`residenceType:${type}`]: 1,
  notEmployed: 1,
  uninsured: 1,
  [`movedIn:${movedIn}`]: 1,
});

const countersAt = (profile: Parameters<typeof statsContribution>[0], division: string, asOf?: string) =>
  sorted(countersOfDivision(statsContribution(profile, asOf), division));

describe('divisionLevels', () => {
  it('gives province, city and county codes of a county', () => {
    expect(divisionLevels('330106')).toEqual(['330000', '330100', '330106']);
  });

  it('gives fewer levels for city- and province-level codes', () => {
    expect(divisionLevels('330100')).toEqual(['330000', '330100']);
    expect(divisionLevels('330000')).toEqual(['330000']);
  });

  it('rejects anything but six digits', () => {
    expect(() => divisionLevels('3301')).toThrow(/6-digit/);
  });
});

describe('counter ids', () => {
  it('round-trips division and counter key, even when the key holds a colon', () => {
    expect(splitCounterId(counterId('330106', 'movedIn:2024-03'))).toEqual({
      division: '330106',
      counterKey: 'movedIn:2024-03',
    });
  });
});

describe('statsContribution', () => {
  it('contributes nothing for a person without a profile or without a registration', () => {
    expect(statsContribution(undefined).size).toBe(0);
    expect(statsContribution(facts({ employments: [employment('2024-01-01')] })).size).toBe(0);
  });

  it('counts a current registration once at province, city and county level', () => {
    // Prepare
    const profile = facts({ residences: [residence('330106', '2024-03-05')] });

    // Act
    const contribution = statsContribution(profile);

    // Assess
    for (const division of ['330000', '330100', '330106']) {
      expect(sorted(countersOfDivision(contribution, division))).toEqual(
        sorted(new Map(Object.entries({ ...baseCounters('2024-03'), 'registeredInYear:2024': 1 }))),
      );
    }
    expect(contribution.size).toBe(18);
    expect([...contribution.values()].every((value) => value === 1)).toBe(true);
  });

  it('counts an ended registration only in the year it was made', () => {
    const profile = facts({ residences: [residence('330106', '2023-05-01', { movedOutOn: '2024-02-01' })] });

    expect(countersAt(profile, '330106')).toEqual({ 'registeredInYear:2023': 1 });
  });

  it('ends a registration by a departure filed for its division on or after the move-in', () => {
    const leftSameDay = facts({
      residences: [residence('330106', '2024-03-05')],
      departures: [departure('330106', '2024-03-05')],
    });
    const leftEarlierStay = facts({
      residences: [residence('330106', '2024-03-05')],
      departures: [departure('330106', '2022-01-10')],
    });
    const leftElsewhere = facts({
      residences: [residence('330106', '2024-03-05')],
      departures: [departure('330108', '2024-06-01')],
    });

    expect(countersAt(leftSameDay, '330106')).toEqual({ 'registeredInYear:2024': 1 });
    expect(countersAt(leftEarlierStay, '330106')).toMatchObject({ registered: 1 });
    expect(countersAt(leftElsewhere, '330106')).toMatchObject({ registered: 1 });
  });

  it('counts employment from an active labour contract or business licence, not ended ones', () => {
    const base = { residences: [residence('330106', '2024-03-05')] };
    const cases = [
      { parts: { employments: [employment('2024-01-01')] }, expected: 'employed' },
      {
        parts: { employments: [employment('2024-01-01', { endedOn: '2024-06-30' })] },
        expected: 'notEmployed',
      },
      { parts: { businessLicenses: [businessLicense('2023-01-01')] }, expected: 'employed' },
      {
        parts: { businessLicenses: [businessLicense('2023-01-01', { revokedOn: '2024-01-01' })] },
        expected: 'notEmployed',
      },
      {
        parts: {
          employments: [employment('2020-01-01', { endedOn: '2021-01-01' })],
          businessLicenses: [businessLicense('2023-01-01')],
        },
        expected: 'employed',
      },
    ];
    for (const { parts, expected } of cases) {
      const counters = countersAt(facts({ ...base, ...parts }), '330106');
      expect(counters[expected]).toBe(1);
      expect(counters[expected === 'employed' ? 'notEmployed' : 'employed']).toBeUndefined();
    }
  });

  it('counts insurance when any cover is active, and schooling only for an active enrolment', () => {
    const insured = facts({
      residences: [residence('330106', '2024-03-05')],
      insurances: [insurance('2020-01-01', { stoppedOn: '2021-01-01' }), insurance('2024-04-01')],
      schooling: [schooling('2024-09-01')],
    });
    const leaver = facts({
      residences: [residence('330106', '2024-03-05')],
      insurances: [insurance('2020-01-01', { stoppedOn: '2021-01-01' })],
      schooling: [schooling('2018-09-01', { leftOn: '2024-07-01' })],
    });

    expect(countersAt(insured, '330106')).toMatchObject({ insured: 1, schooling: 1 });
    expect(countersAt(insured, '330106').uninsured).toBeUndefined();
    expect(countersAt(leaver, '330106')).toMatchObject({ uninsured: 1 });
    expect(countersAt(leaver, '330106').schooling).toBeUndefined();
  });

  it('ignores a contract’s planned end without a date, and honours it as of a date', () => {
    const profile = facts({
      residences: [residence('330106', '2024-03-05')],
      employments: [employment('2024-01-01', { endsOn: '2024-12-31' })],
    });

    expect(countersAt(profile, '330106').employed).toBe(1);
    expect(countersAt(profile, '330106', '2024-12-31').employed).toBe(1);
    expect(countersAt(profile, '330106', '2025-01-01').notEmployed).toBe(1);
  });

  it('evaluates registrations as of a date when one is given', () => {
    const profile = facts({
      residences: [
        residence('330106', '2024-03-05', { movedOutOn: '2025-02-01' }),
        residence('330108', '2025-02-01'),
      ],
    });

    expect(countersAt(profile, '330106', '2024-12-31')).toMatchObject({ registered: 1 });
    expect(countersAt(profile, '330108', '2024-12-31')).toEqual({});
    expect(countersAt(profile, '330106', '2025-02-01')).toEqual({ 'registeredInYear:2024': 1 });
    expect(countersAt(profile, '330108', '2025-02-01')).toMatchObject({ registered: 1 });
  });

  it('counts a person once per division when two current registrations share a city', () => {
    // Prepare: registered in two counties of Hangzhou; the later move-in describes the city and province.
    const profile = facts({
      residences: [
        residence('330106', '2023-01-10', { residenceType: 'owned' }),
        residence('330108', '2024-05-01', { residenceType: 'employer-dormitory' }),
      ],
    });

    // Act
    const contribution = statsContribution(profile);

    // Assess
    expect(countersAt(profile, '330106')).toMatchObject(baseCounters('2023-01', 'owned'));
    expect(countersAt(profile, '330108')).toMatchObject(baseCounters('2024-05', 'employer-dormitory'));
    expect(sorted(countersOfDivision(contribution, '330100'))).toEqual(
      sorted(
        new Map(
          Object.entries({
            ...baseCounters('2024-05', 'employer-dormitory'),
            'registeredInYear:2023': 1,
            'registeredInYear:2024': 1,
          }),
        ),
      ),
    );
  });
});

describe('contributionDelta and sumContributions', () => {
  it('gives after − before and leaves unchanged counters out', () => {
    const before = new Map([
      ['330106#registered', 1],
      ['330106#notEmployed', 1],
    ]);
    const after = new Map([
      ['330106#registered', 1],
      ['330106#employed', 1],
    ]);

    expect(sorted(contributionDelta(before, after))).toEqual({
      '330106#employed': 1,
      '330106#notEmployed': -1,
    });
    expect(contributionDelta(after, after).size).toBe(0);
  });

  it('brings before to after when added to it', () => {
    const before = statsContribution(facts({ residences: [residence('330106', '2024-03-05')] }));
    const after = statsContribution(
      facts({ residences: [residence('330205', '2024-08-01')], insurances: [insurance('2024-08-01')] }),
    );

    expect(sorted(sumContributions([before, contributionDelta(before, after)]))).toEqual(sorted(after));
  });

  it('sums contributions and drops counters that sum to zero', () => {
    const total = sumContributions([
      new Map([
        ['a#x', 1],
        ['a#y', 1],
      ]),
      new Map([
        ['a#x', 1],
        ['a#y', -1],
      ]),
    ]);

    expect(sorted(total)).toEqual({ 'a#x': 2 });
  });
});

describe('statsView', () => {
  it('buckets length of residence by whole months before asOf', () => {
    // Prepare: months between each move-in month and 2025-07: 0, 5, 6, 11, 12, 35, 36, 59, 60, and one later.
    const counters = new Map([
      ['movedIn:2025-07', 1],
      ['movedIn:2025-02', 2],
      ['movedIn:2025-01', 3],
      ['movedIn:2024-08', 4],
      ['movedIn:2024-07', 5],
      ['movedIn:2022-08', 6],
      ['movedIn:2022-07', 7],
      ['movedIn:2020-08', 8],
      ['movedIn:2020-07', 9],
      ['movedIn:2025-09', 10],
    ]);

    // Act
    const view = statsView(counters, '330106', '2025-07-15');

    // Assess
    expect(view.lengthOfResidence).toEqual({
      under6Months: 1 + 2 + 10,
      sixTo12Months: 3 + 4,
      oneTo3Years: 5 + 6,
      threeTo5Years: 7 + 8,
      over5Years: 9,
    });
  });

  it('reads totals, residence types, employment, insurance and schooling from the counters', () => {
    const counters = new Map([
      ['registered', 5],
      ['residenceType:rented', 3],
      ['residenceType:owned', 2],
      ['employed', 4],
      ['notEmployed', 1],
      ['insured', 2],
      ['uninsured', 3],
      ['schooling', 1],
      ['movedIn:2025-01', 0],
    ]);

    expect(statsView(counters, '330106', '2025-07-15')).toEqual({
      division: '330106',
      registered: 5,
      byResidenceType: { rented: 3, owned: 2, 'employer-dormitory': 0, lodging: 0, other: 0 },
      employment: { employed: 4, notEmployed: 1 },
      insurance: { insured: 2, uninsured: 3 },
      schooling: 1,
      lengthOfResidence: {
        under6Months: 0,
        sixTo12Months: 0,
        oneTo3Years: 0,
        threeTo5Years: 0,
        over5Years: 0,
      },
      coordinatorsRequired: 0,
      permitIssuance: { pending: 0, overdue: 0, issued: 0, issuedLate: 0, deadlineDays: 15 },
    });
  });

  it('requires one coordinator per 800 registrations of the previous calendar year, rounded up', () => {
    const view = (lastYear: number, thisYear = 0, asOf = '2025-03-01') =>
      statsView(
        new Map([
          ['registeredInYear:2024', lastYear],
          ['registeredInYear:2025', thisYear],
        ]),
        '330106',
        asOf,
      ).coordinatorsRequired;

    expect(view(0, 5000)).toBe(0);
    expect(view(1)).toBe(1);
    expect(view(800)).toBe(1);
    expect(view(801)).toBe(2);
    expect(view(801, 0, '2026-01-01')).toBe(0);
  });

  it('takes the coordinator ratio from configuration', () => {
    const counters = new Map([['registeredInYear:2024', 1001]]);

    expect(
      statsView(counters, '330106', '2025-03-01', { migrantsPerCoordinator: 500 }).coordinatorsRequired,
    ).toBe(3);
    expect(() => statsView(counters, '330106', '2025-03-01', { migrantsPerCoordinator: 0 })).toThrow();
  });

  it('gives a view consistent with the contributions it was counted from', () => {
    // Prepare
    const people = [
      facts({ residences: [residence('330106', '2024-03-05')], employments: [employment('2024-03-10')] }),
      facts({ residences: [residence('330106', '2019-11-20', { residenceType: 'owned' })] }),
      facts({ residences: [residence('330108', '2025-01-02')], insurances: [insurance('2025-01-02')] }),
    ];
    const total = sumContributions(people.map((person) => statsContribution(person)));

    // Act
    const county = statsView(countersOfDivision(total, '330106'), '330106', '2025-06-30');
    const city = statsView(countersOfDivision(total, '330100'), '330100', '2025-06-30');

    // Assess
    expect(county).toMatchObject({
      registered: 2,
      byResidenceType: { rented: 1, owned: 1 },
      employment: { employed: 1, notEmployed: 1 },
      insurance: { insured: 0, uninsured: 2 },
      lengthOfResidence: { oneTo3Years: 1, over5Years: 1 },
      coordinatorsRequired: 1,
    });
    expect(city).toMatchObject({
      registered: 3,
      insurance: { insured: 1, uninsured: 2 },
      lengthOfResidence: { under6Months: 1, oneTo3Years: 1, over5Years: 1 },
    });
  });
});

describe('permit issuance (绩效考核): applications not answered within the deadline', () => {
  const applied = (submittedOn: string, divisionCode = '330106') =>
    application(`permit-application:${submittedOn}`, submittedOn, { divisionCode });
  const issued = (issuedOn: string, applicationId?: string) =>
    permit(`residence-permit:${issuedOn}`, issuedOn, '2027-12-31', applicationId ? { applicationId } : {});

  it('counts an application no permit answers by the day it was filed, in its county, city and province', () => {
    const profile = facts({ applications: [applied('2025-03-01')] });

    for (const division of ['330000', '330100', '330106']) {
      expect(countersAt(profile, division)).toEqual({ 'applicationPending:2025-03-01': 1 });
    }
  });

  it('counts an answered application by the days it took, whether the permit names it or not', () => {
    const named = facts({
      applications: [applied('2025-03-01')],
      permits: [issued('2025-03-20', 'permit-application:2025-03-01')],
    });
    const unnamed = facts({ applications: [applied('2025-03-01')], permits: [issued('2025-03-10')] });
    const before = facts({ applications: [applied('2025-03-01')], permits: [issued('2024-01-10')] });

    expect(countersAt(named, '330106')).toEqual({ 'issuedAfterDays:19': 1 });
    expect(countersAt(unnamed, '330106')).toEqual({ 'issuedAfterDays:9': 1 });
    expect(countersAt(before, '330106')).toEqual({ 'applicationPending:2025-03-01': 1 });
  });

  it('moves an application from pending to issued when its permit arrives: the delta of the two profiles', () => {
    const pending = facts({ applications: [applied('2025-03-01')] });
    const answered = facts({ applications: [applied('2025-03-01')], permits: [issued('2025-03-20')] });

    const delta = contributionDelta(statsContribution(pending), statsContribution(answered));

    expect(sorted(countersOfDivision(delta, '330106'))).toEqual({
      'applicationPending:2025-03-01': -1,
      'issuedAfterDays:19': 1,
    });
  });

  it('is overdue the day after the deadline, and late when answered after it', () => {
    const counters = sumContributions(
      [
        facts({ applications: [applied('2025-03-01')] }), // due 2025-03-16
        facts({ applications: [applied('2025-03-02')] }), // due 2025-03-17
        facts({ applications: [applied('2025-03-01')], permits: [issued('2025-03-16')] }), // 15 days: on time
        facts({ applications: [applied('2025-03-01')], permits: [issued('2025-03-17')] }), // 16 days: late
      ].map((profile) => statsContribution(profile)),
    );
    const view = (asOf: string, deadlines = { issuanceDeadlineDays: 15, endorsementNoticeDays: 30 }) =>
      statsView(countersOfDivision(counters, '330106'), '330106', asOf, undefined, deadlines).permitIssuance;

    expect(view('2025-03-16')).toEqual({
      pending: 2,
      overdue: 0,
      issued: 2,
      issuedLate: 1,
      deadlineDays: 15,
    });
    expect(view('2025-03-17')).toMatchObject({ pending: 2, overdue: 1 });
    expect(view('2025-03-18')).toMatchObject({ pending: 2, overdue: 2 });
    expect(view('2025-03-18', { issuanceDeadlineDays: 30, endorsementNoticeDays: 30 })).toMatchObject({
      overdue: 0,
      issuedLate: 0,
      deadlineDays: 30,
    });
  });

  it('on a given day, leaves out applications filed later and permits issued later', () => {
    const profile = facts({
      applications: [applied('2025-03-01'), applied('2025-06-01')],
      permits: [issued('2025-03-20', 'permit-application:2025-03-01')],
    });

    expect(countersAt(profile, '330106', '2025-03-10')).toEqual({ 'applicationPending:2025-03-01': 1 });
  });
});
