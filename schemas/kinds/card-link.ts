import { z } from 'zod';
import { cardType, documentNumber, pastOrTodayDate } from '../values/index.ts';
import { defineKind, endedOnFact } from './common/kind.ts';
import { divisionCodeField, PERSON_REF_LABELS, personRef } from './common/parts.ts';
import { notBefore } from './common/rules.ts';

/**
 * 卡证对接: a residence permit's IC card linked to the holder's citizen card (市民卡) or social security card
 * (社会保障卡) by the department that issued that card. One link per permit and card type; a new card number
 * updates it, `unlinkedOn` ends it.
 *
 * @example
 * { "permitNumber": "ZJ3301062026000123", "holder": { "idNumber": "330106199003071236", "name": "张三" },
 *   "cardType": "citizen-card", "cardNumber": "HZ0012345678", "divisionCode": "330100", "linkedOn": "2016-09-20" }
 */
export const cardLink = defineKind({
  kind: 'card-link',
  aliases: {
    permitNumber: ['居住证编号', '居住证号', '居住证号码'],
    holder: { labels: ['持卡人', '持证人'], fields: PERSON_REF_LABELS, flatPrefixes: ['', '持卡人'] },
    cardType: ['卡种', '卡类型', '对接卡种'],
    cardNumber: ['卡号', '市民卡号', '社保卡号', '社会保障卡号'],
    divisionCode: ['发卡地', '发卡地区划代码', '区划代码'],
    linkedOn: ['对接日期', '关联日期', '绑定日期'],
    unlinkedOn: ['解除对接日期', '解除日期', '解绑日期'],
  },
  fields: z.strictObject({
    permitNumber: documentNumber,
    holder: personRef,
    cardType,
    cardNumber: documentNumber,
    divisionCode: divisionCodeField,
    linkedOn: pastOrTodayDate,
    unlinkedOn: pastOrTodayDate.optional(),
  }),
  rules: [notBefore('unlinkedOn', 'linkedOn')],
  facts: (record) => ({
    naturalKey: [record.cardType, record.permitNumber],
    personIdNumber: record.holder.idNumber,
    divisionCode: record.divisionCode,
    ...endedOnFact(record.unlinkedOn),
  }),
});

export type CardLink = z.output<typeof cardLink.schema>;
