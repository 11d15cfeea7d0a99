import { z } from 'zod';
import { pastOrTodayDate, residenceReason, residenceType } from '../values/index.ts';
import { defineKind, endedOnFact } from './common/kind.ts';
import { ADDRESS_LABELS, address, field, PERSON_LABELS, person } from './common/parts.ts';
import { notBefore } from './common/rules.ts';

/**
 * 居住登记: a migrant registers where they live. One registration per person per county.
 *
 * @example
 * { "person": { "idNumber": "330106199003071236", "name": "张三", "gender": "male", "birthDate": "1990-03-07" },
 *   "address": { "divisionCode": "330106", "detail": "文三路90号3幢2单元301室" },
 *   "residenceType": "rented", "reason": "work", "movedInOn": "2016-08-28" }
 * or, as a one-row form: { "姓名": "张三", "身份证号": "330106199003071236", "居住地址": "浙江省杭州市西湖区文三路90号3-2-301",
 *   "居住类型": "租赁房屋", "居住事由": "务工", "入住日期": "2016年8月28日" }
 */
export const residenceRegistration = defineKind({
  kind: 'residence-registration',
  aliases: {
    person: { labels: ['人员', '人员信息', '居住人', '登记人'], fields: PERSON_LABELS, flatPrefixes: [''] },
    address: {
      labels: ['居住地址', '现住址', '现居住地址', '居住地'],
      fields: ADDRESS_LABELS,
      flatPrefixes: ['居住地'],
      textField: 'detail',
    },
    residenceType: ['居住类型', '居住处所', '住所类型'],
    reason: ['居住事由', '来本地事由'],
    movedInOn: ['入住日期', '来本地日期', '来本地时间', '居住起始日期'],
    movedOutOn: ['离开日期', '搬离日期'],
  },
  fields: z.strictObject({
    person: field(person, 'The migrant who registers.', '登记人员。'),
    address: field(address, 'Where the person lives: an address text or its parts.', '居住地址。'),
    residenceType: field(residenceType, 'The kind of home.', '居住类型。'),
    reason: field(residenceReason, 'Why the person lives here.', '居住事由。').optional(),
    movedInOn: field(pastOrTodayDate, 'The day the person moved in.', '入住日期。'),
    movedOutOn: field(pastOrTodayDate, 'The day the person moved out, once known.', '离开日期。').optional(),
  }),
  rules: [notBefore('movedOutOn', 'movedInOn')],
  facts: (record) => ({
    naturalKey: [record.address.divisionCode],
    personIdNumber: record.person.idNumber,
    divisionCode: record.address.divisionCode,
    ...endedOnFact(record.movedOutOn),
  }),
});

export type ResidenceRegistration = z.output<typeof residenceRegistration.schema>;
