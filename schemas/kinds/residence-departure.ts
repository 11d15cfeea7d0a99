import { z } from 'zod';
import { pastOrTodayDate } from '../values/index.ts';
import { defineKind } from './common/kind.ts';
import { divisionCodeField, field, PERSON_REF_LABELS, personRef } from './common/parts.ts';

/**
 * 离开/注销: a migrant left the county where they were registered.
 *
 * @example
 * { "person": { "idNumber": "330106199003071236", "name": "张三" }, "divisionCode": "330106",
 *   "movedOutOn": "2017-03-01", "destinationDivisionCode": "330212" }
 */
export const residenceDeparture = defineKind({
  kind: 'residence-departure',
  aliases: {
    person: { labels: ['人员', '人员信息', '离开人员'], fields: PERSON_REF_LABELS, flatPrefixes: [''] },
    divisionCode: ['登记地区划代码', '居住地区划代码', '离开地区划代码', '区划代码', '所属区划'],
    movedOutOn: ['离开日期', '搬离日期', '注销日期'],
    destinationDivisionCode: ['去往地', '去往地区划代码', '迁往地', '迁往地区划代码', '目的地区划代码'],
  },
  fields: z.strictObject({
    person: field(personRef, 'The person who left.', '离开人员。'),
    divisionCode: field(
      divisionCodeField,
      'The county-level division the person left.',
      '原居住地区划代码。',
    ),
    movedOutOn: field(pastOrTodayDate, 'The day the person moved out.', '离开日期。'),
    destinationDivisionCode: field(
      divisionCodeField,
      'Where the person went, when known.',
      '去往地区划代码。',
    ).optional(),
  }),
  // The departure is itself the end of a residence, not a record that ends later: no endedOn.
  facts: (record) => ({
    naturalKey: [record.divisionCode, record.movedOutOn],
    personIdNumber: record.person.idNumber,
    divisionCode: record.divisionCode,
  }),
});

export type ResidenceDeparture = z.output<typeof residenceDeparture.schema>;
