import { describe, expect, it } from 'vitest';
import { DEFAULT_LATE_REPORT_CONFIG, type LateReportConfig, lateReportFlag } from '#domain/late-report.ts';
import type { Employment, ResidenceRegistration, SocialInsurance, Tenancy } from '../../../schemas/index.ts';

const person = { idNumber: '330106199003071236', name: '张三' };

const registration: ResidenceRegistration = {
  person: { ...person, gender: 'male', birthDate: '1990-03-07' },
  address: { divisionCode: '330106', detail: '文三路90号3幢2单元301室' },
  residenceType: 'rented',
  movedInOn: '2024-03-01',
};

const tenancy: Tenancy = {
  tenant: person,
  landlord: { name: '李四', idNumber: '11010519491231002X' },
  property: { divisionCode: '330106', detail: '文三路90号3幢2单元301室' },
  startsOn: '2024-03-01',
};

const employment: Employment = {
  person,
  employer: { creditCode: '91330106MA2711111A', name: '杭州某某科技有限公司', divisionCode: '330106' },
  contractType: 'fixed-term',
  startsOn: '2024-03-01',
};

describe('lateReportFlag', () => {
  it('is on time when reported exactly N days after the fact', () => {
    // Act
    const flag = lateReportFlag('residence-registration', registration, '2024-03-04T10:00:00+08:00');

    // Assess
    expect(flag).toEqual({
      late: false,
      daysLate: 0,
      deadlineDays: 3,
      fact: 'movedInOn',
      factDate: '2024-03-01',
      deadline: '2024-03-04',
      reportedOn: '2024-03-04',
    });
  });

  it('is late by one day when reported N + 1 days after the fact', () => {
    const flag = lateReportFlag('residence-registration', registration, '2024-03-05T09:00:00+08:00');

    expect(flag).toMatchObject({ late: true, daysLate: 1, deadline: '2024-03-04', reportedOn: '2024-03-05' });
  });

  it('judges the calendar day in China Standard Time', () => {
    // 2024-03-04 17:00 UTC is already 2024-03-05 01:00 in Hangzhou
    expect(lateReportFlag('tenancy', tenancy, '2024-03-04T17:00:00Z')).toMatchObject({
      late: true,
      daysLate: 1,
    });
    expect(lateReportFlag('tenancy', tenancy, '2024-03-04T15:00:00Z')).toMatchObject({
      late: false,
      daysLate: 0,
    });
  });

  it('takes N per kind from the configuration', () => {
    const config: LateReportConfig = {
      deadlineDays: { ...DEFAULT_LATE_REPORT_CONFIG.deadlineDays, employment: 30 },
    };

    expect(lateReportFlag('employment', employment, '2024-03-31', config)).toMatchObject({
      late: false,
      deadlineDays: 30,
    });
    expect(lateReportFlag('employment', employment, '2024-04-01', config)).toMatchObject({
      late: true,
      daysLate: 1,
    });
    expect(lateReportFlag('employment', employment, '2024-04-01')).toMatchObject({
      late: true,
      daysLate: 28,
    });
  });

  it('judges a move-out added by an update, not the move-in reported before', () => {
    // Prepare: the move-in was reported on time; the move-out of 2024-09-30 comes on 2024-10-04
    const movedOut: ResidenceRegistration = { ...registration, movedOutOn: '2024-09-30' };

    // Act
    const flag = lateReportFlag('residence-registration', movedOut, '2024-10-04', undefined, registration);

    // Assess
    expect(flag).toMatchObject({ late: true, daysLate: 1, fact: 'movedOutOn', factDate: '2024-09-30' });
  });

  it('judges the ending of an employment', () => {
    const ended: Employment = { ...employment, endedOn: '2024-06-30' };

    expect(lateReportFlag('employment', ended, '2024-07-03', undefined, employment)).toMatchObject({
      late: false,
      fact: 'endedOn',
    });
  });

  it('flags a first report stating both facts by the most overdue one', () => {
    const both: ResidenceRegistration = { ...registration, movedOutOn: '2024-09-30' };

    expect(lateReportFlag('residence-registration', both, '2024-10-01')).toMatchObject({
      late: true,
      fact: 'movedInOn',
      daysLate: 211,
    });
  });

  it('says nothing for an update that states no new fact', () => {
    const corrected: ResidenceRegistration = { ...registration, reason: 'work' };

    expect(
      lateReportFlag('residence-registration', corrected, '2025-01-01', undefined, registration),
    ).toBeUndefined();
  });

  it('is never late for a fact that lies ahead (a contract starting next month)', () => {
    const future: Employment = { ...employment, startsOn: '2024-04-01' };

    expect(lateReportFlag('employment', future, '2024-03-10')).toMatchObject({ late: false, daysLate: 0 });
  });

  it('does not apply to kinds without a reporting deadline', () => {
    const insured: SocialInsurance = {
      person,
      insuranceType: 'pension',
      divisionCode: '330106',
      startedOn: '2020-01-01',
    };

    expect(lateReportFlag('social-insurance', insured, '2024-01-01')).toBeUndefined();
  });
});
