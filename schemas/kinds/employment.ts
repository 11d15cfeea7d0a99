import { z } from 'zod';
import { calendarDate, contractType, freeText, pastOrTodayDate } from '../values/index.ts';
import { defineKind, endedOnFact } from './common/kind.ts';
import {
  field,
  LOCATED_ORGANISATION_LABELS,
  locatedOrganisation,
  PERSON_REF_LABELS,
  personRef,
} from './common/parts.ts';
import { notBefore } from './common/rules.ts';

const EMPLOYER_TITLES = ['用人单位', '用工单位', '工作单位', '单位'];

/**
 * 就业/劳动合同: a migrant works for an employer. The contract's planned end (endsOn) may lie ahead; the
 * actual end (endedOn) not.
 *
 * @example
 * { "person": { "idNumber": "330106199003071236", "name": "张三" },
 *   "employer": { "creditCode": "91330106MA2711111A", "name": "杭州某某科技有限公司", "divisionCode": "330106" },
 *   "contractType": "fixed-term", "startsOn": "2016-09-01", "endsOn": "2019-08-31", "occupation": "软件工程师" }
 */
export const employment = defineKind({
  kind: 'employment',
  aliases: {
    person: { labels: ['劳动者', '员工', '人员'], fields: PERSON_REF_LABELS, flatPrefixes: [''] },
    employer: { labels: EMPLOYER_TITLES, fields: LOCATED_ORGANISATION_LABELS, flatPrefixes: EMPLOYER_TITLES },
    'employer.creditCode': ['统一社会信用代码'],
    contractType: ['合同类型', '劳动合同类型', '合同期限类型', '用工形式'],
    startsOn: ['合同起始日期', '合同开始日期', '入职日期', '用工起始日期'],
    endsOn: ['合同截止日期', '合同终止日期', '合同到期日期'],
    endedOn: ['离职日期', '合同解除日期', '实际终止日期'],
    occupation: ['职业', '岗位', '工种'],
  },
  fields: z.strictObject({
    person: field(personRef, 'The worker.', '劳动者。'),
    employer: field(locatedOrganisation, 'The employer.', '用人单位。'),
    contractType: field(contractType, 'The kind of labour contract.', '劳动合同类型。'),
    startsOn: field(calendarDate, 'The first day of the contract.', '合同起始日期。'),
    endsOn: field(calendarDate, 'The agreed last day of a fixed-term contract.', '合同截止日期。').optional(),
    endedOn: field(pastOrTodayDate, 'The day the job really ended.', '离职日期。').optional(),
    occupation: field(freeText(100), 'Occupation or post.', '职业或岗位。').optional(),
  }),
  rules: [notBefore('endsOn', 'startsOn'), notBefore('endedOn', 'startsOn')],
  facts: (record) => ({
    naturalKey: [record.employer.creditCode, record.startsOn],
    personIdNumber: record.person.idNumber,
    divisionCode: record.employer.divisionCode,
    ...endedOnFact(record.endedOn),
  }),
});

export type Employment = z.output<typeof employment.schema>;
