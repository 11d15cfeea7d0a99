import { z } from 'zod';
import { freeText } from '../values/index.ts';
import { defineKind } from './common/kind.ts';
import { ADDRESS_LABELS, address, amount, field, PARTY_LABELS, party } from './common/parts.ts';

const OWNER_TITLES = ['房主', '产权人', '出租人', '房东'];

/**
 * 出租房屋: a home let to migrants ("know people through houses"). Keyed by its address alone; the owner may
 * be a person or a company.
 *
 * @example
 * { "owner": { "name": "李四", "idNumber": "11010519491231002X", "phone": "13812345678" },
 *   "address": { "divisionCode": "330106", "detail": "文三路90号3幢2单元301室" }, "areaSqm": 45.5, "rooms": 2 }
 */
export const rentalProperty = defineKind({
  kind: 'rental-property',
  aliases: {
    owner: { labels: OWNER_TITLES, fields: PARTY_LABELS, flatPrefixes: OWNER_TITLES },
    address: {
      labels: ['房屋地址', '出租房屋地址', '地址'],
      fields: ADDRESS_LABELS,
      flatPrefixes: ['房屋'],
      textField: 'detail',
    },
    areaSqm: ['面积', '建筑面积', '房屋面积', '出租面积'],
    rooms: ['房间数', '间数', '出租间数'],
    certificateNo: ['产权证号', '房产证号', '房屋所有权证号', '不动产权证号', '不动产权证书号'],
  },
  fields: z.strictObject({
    owner: field(party, 'Who rents the home out: a person or an organisation.', '出租人（房主）。'),
    address: field(address, 'The address of the rented home.', '出租房屋地址。'),
    areaSqm: field(
      amount({ min: 1, max: 100_000 }),
      'Floor area in square metres (a number, or text such as 45.5平方米).',
      '房屋面积（平方米）。',
    ).optional(),
    rooms: field(amount({ min: 1, max: 1000, integer: true }), 'Rooms rented out.', '出租间数。').optional(),
    certificateNo: field(freeText(64), 'Number of the ownership certificate.', '房屋产权证号。').optional(),
  }),
  facts: (record) => ({
    naturalKey: [record.address.divisionCode, record.address.detail],
    divisionCode: record.address.divisionCode,
  }),
});

export type RentalProperty = z.output<typeof rentalProperty.schema>;
