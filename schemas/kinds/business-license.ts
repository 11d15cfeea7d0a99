import { z } from 'zod';
import { creditCode, pastOrTodayDate } from '../values/index.ts';
import { defineKind, endedOnFact } from './common/kind.ts';
import {
  ADDRESS_LABELS,
  address,
  field,
  organisationName,
  PERSON_REF_LABELS,
  personRef,
} from './common/parts.ts';
import { notBefore } from './common/rules.ts';

const OPERATOR_TITLES = ['经营者', '法定代表人', '负责人'];

/**
 * 工商执照: a business a migrant operates (个体工商户 or company), keyed by its credit code.
 *
 * @example
 * { "creditCode": "91330106MA2711111A", "name": "杭州某某小吃店",
 *   "operator": { "idNumber": "330106199003071236", "name": "张三" },
 *   "address": { "divisionCode": "330106", "detail": "文三路100号" }, "registeredOn": "2016-10-01" }
 */
export const businessLicense = defineKind({
  kind: 'business-license',
  aliases: {
    creditCode: ['统一社会信用代码', '社会信用代码', '信用代码'],
    name: ['名称', '企业名称', '字号名称', '个体工商户名称', '市场主体名称'],
    operator: { labels: OPERATOR_TITLES, fields: PERSON_REF_LABELS, flatPrefixes: ['', ...OPERATOR_TITLES] },
    address: {
      labels: ['经营场所', '经营地址', '住所', '地址'],
      fields: ADDRESS_LABELS,
      textField: 'detail',
    },
    registeredOn: ['成立日期', '注册日期', '登记日期'],
    revokedOn: ['注销日期', '吊销日期'],
  },
  fields: z.strictObject({
    creditCode: field(creditCode, "The business's unified social credit code.", '统一社会信用代码。'),
    name: field(organisationName, "The business's registered name.", '市场主体名称。'),
    operator: field(personRef, 'The person who operates the business.', '经营者。'),
    address: field(address, 'The place of business.', '经营场所。'),
    registeredOn: field(pastOrTodayDate, 'The day of registration.', '成立日期。'),
    revokedOn: field(
      pastOrTodayDate,
      'The day the licence was cancelled or revoked.',
      '注销或吊销日期。',
    ).optional(),
  }),
  rules: [notBefore('revokedOn', 'registeredOn')],
  facts: (record) => ({
    naturalKey: [record.creditCode],
    personIdNumber: record.operator.idNumber,
    divisionCode: record.address.divisionCode,
    ...endedOnFact(record.revokedOn),
  }),
});

export type BusinessLicense = z.output<typeof businessLicense.schema>;
