import { z } from 'zod';
import { calendarDate, pastOrTodayDate } from '../values/index.ts';
import { defineKind, endedOnFact } from './common/kind.ts';
import {
  ADDRESS_LABELS,
  address,
  amount,
  field,
  PARTY_LABELS,
  PERSON_REF_LABELS,
  party,
  personRef,
} from './common/parts.ts';
import { notBefore } from './common/rules.ts';

const LANDLORD_TITLES = ['出租人', '房东'];

/**
 * 租赁: a migrant rents a home. The lease's planned end (endsOn) may lie ahead; its actual end (endedOn) not.
 *
 * @example
 * { "tenant": { "idNumber": "330106199003071236", "name": "张三" },
 *   "landlord": { "name": "李四", "idNumber": "11010519491231002X" },
 *   "property": { "divisionCode": "330106", "detail": "文三路90号3幢2单元301室" },
 *   "startsOn": "2016-08-28", "endsOn": "2017-08-27", "monthlyRentYuan": 1500 }
 */
export const tenancy = defineKind({
  kind: 'tenancy',
  aliases: {
    tenant: {
      labels: ['承租人', '租客', '承租人信息'],
      fields: PERSON_REF_LABELS,
      flatPrefixes: ['', '承租人'],
    },
    landlord: { labels: LANDLORD_TITLES, fields: PARTY_LABELS, flatPrefixes: LANDLORD_TITLES },
    property: {
      labels: ['房屋地址', '出租房屋地址', '租赁房屋地址', '租赁地址'],
      fields: ADDRESS_LABELS,
      flatPrefixes: ['房屋'],
      textField: 'detail',
    },
    startsOn: ['租赁起始日期', '租赁开始日期', '起租日期', '租期开始日期'],
    endsOn: ['租赁截止日期', '租赁结束日期', '租赁终止日期', '租期结束日期', '到期日期'],
    endedOn: ['退租日期', '实际终止日期'],
    monthlyRentYuan: ['月租金', '租金', '月租金(元)'],
  },
  fields: z.strictObject({
    tenant: field(personRef, 'The tenant.', '承租人。'),
    landlord: field(party, 'The landlord: a person or an organisation.', '出租人。'),
    property: field(address, 'The address of the rented home.', '租赁房屋地址。'),
    startsOn: field(calendarDate, 'The first day of the lease.', '租赁起始日期。'),
    endsOn: field(calendarDate, 'The agreed last day of the lease.', '租赁截止日期。').optional(),
    endedOn: field(pastOrTodayDate, 'The day the lease really ended.', '退租日期。').optional(),
    monthlyRentYuan: field(
      amount({ min: 0, max: 10_000_000 }),
      'Monthly rent in yuan (a number, or text such as 1500元).',
      '月租金（元）。',
    ).optional(),
  }),
  rules: [notBefore('endsOn', 'startsOn'), notBefore('endedOn', 'startsOn')],
  facts: (record) => ({
    naturalKey: [record.property.divisionCode, record.property.detail, record.startsOn],
    personIdNumber: record.tenant.idNumber,
    divisionCode: record.property.divisionCode,
    ...endedOnFact(record.endedOn),
  }),
});

export type Tenancy = z.output<typeof tenancy.schema>;
