import { z } from 'zod';
import { insuranceType, pastOrTodayDate } from '../values/index.ts';
import { defineKind, endedOnFact } from './common/kind.ts';
import {
  divisionCodeField,
  field,
  ORGANISATION_LABELS,
  organisation,
  PERSON_REF_LABELS,
  personRef,
} from './common/parts.ts';
import { notBefore } from './common/rules.ts';

const EMPLOYER_TITLES = ['参保单位', '缴费单位'];

/**
 * 社会保险: a migrant is insured (one record per person, insurance type and county).
 *
 * @example
 * { "person": { "idNumber": "330106199003071236", "name": "张三" }, "insuranceType": "pension",
 *   "divisionCode": "330106", "employer": { "creditCode": "91330106MA2711111A", "name": "杭州某某科技有限公司" },
 *   "startedOn": "2016-09-01" }
 */
export const socialInsurance = defineKind({
  kind: 'social-insurance',
  aliases: {
    person: { labels: ['参保人', '人员'], fields: PERSON_REF_LABELS, flatPrefixes: [''] },
    insuranceType: ['险种', '险种类型', '参保险种'],
    divisionCode: ['参保地', '参保地区划代码', '参保地区划', '区划代码'],
    employer: { labels: EMPLOYER_TITLES, fields: ORGANISATION_LABELS, flatPrefixes: EMPLOYER_TITLES },
    startedOn: ['参保日期', '参保起始日期', '开始缴费日期', '起始日期'],
    stoppedOn: ['停保日期', '终止缴费日期', '中断日期'],
  },
  fields: z.strictObject({
    person: field(personRef, 'The insured person.', '参保人。'),
    insuranceType: field(insuranceType, 'The insurance.', '险种。'),
    divisionCode: field(
      divisionCodeField,
      'The county-level division where the person is insured.',
      '参保地区划代码。',
    ),
    employer: field(organisation, 'The employer paying in, if any.', '参保单位。').optional(),
    startedOn: field(pastOrTodayDate, 'The day the insurance started.', '参保日期。'),
    stoppedOn: field(pastOrTodayDate, 'The day the insurance stopped.', '停保日期。').optional(),
  }),
  rules: [notBefore('stoppedOn', 'startedOn')],
  facts: (record) => ({
    naturalKey: [record.insuranceType, record.divisionCode],
    personIdNumber: record.person.idNumber,
    divisionCode: record.divisionCode,
    ...endedOnFact(record.stoppedOn),
  }),
});

export type SocialInsurance = z.output<typeof socialInsurance.schema>;
