import { z } from 'zod';
import {
  acceptsRaw,
  applicationChannel,
  CODE_MAX_RAW_LENGTH,
  isSameOrAncestor,
  PERMIT_CLAIMS,
  type PermitClaim,
  pastOrTodayDate,
  permitClaim,
  withoutIgnorables,
} from '../values/index.ts';
import { defineKind } from './common/kind.ts';
import {
  ADDRESS_LABELS,
  acceptingText,
  address,
  cityDivisionCode,
  PERSON_REF_LABELS,
  personRef,
} from './common/parts.ts';
import type { CrossFieldRule } from './common/rules.ts';

/** Claims given as one text, as forms write them: `合法稳定就业、合法稳定住所`. */
const CLAIM_SEPARATORS = /[、,，;；/\s]+/;

/** At least one claim; each once, in the order of PERMIT_CLAIMS, so the same claims compare equal. */
const claims = acceptingText(
  z.preprocess(
    (value, ctx) => {
      if (typeof value !== 'string') return value;
      if (!acceptsRaw(value, CODE_MAX_RAW_LENGTH, ctx)) return z.NEVER;
      // Invisible characters go first: a zero-width no-break space is whitespace to the separators.
      return withoutIgnorables(value).split(CLAIM_SEPARATORS).filter(Boolean);
    },
    z
      .array(permitClaim)
      .min(1)
      .transform((given): PermitClaim[] => PERMIT_CLAIMS.filter((claim) => given.includes(claim))),
  ),
);

/** The address must lie in the city applied to. */
const addressInCity: CrossFieldRule<{ cityDivisionCode: string; address: { divisionCode: string } }> = {
  reads: ['cityDivisionCode', 'address.divisionCode'],
  check: (record, report) => {
    if (!isSameOrAncestor(record.cityDivisionCode, record.address.divisionCode))
      report(['address', 'divisionCode'], 'DIVISION_MISMATCH', { received: record.address.divisionCode });
  },
};

/**
 * 居住证申领: a migrant applies for a residence permit in a city, claiming stable employment, residence or
 * schooling. Stored whatever the eligibility rules say (the decision is public security's); the result of an
 * applicant the rules do not (yet) support carries a flag. Its county is the issuing bureau's.
 *
 * @example
 * { "applicant": { "idNumber": "330106199003071236", "name": "张三" }, "cityDivisionCode": "330100",
 *   "address": { "divisionCode": "330106", "detail": "文三路90号3幢2单元301室" },
 *   "claims": ["employment", "housing"], "channel": "self-service", "submittedOn": "2016-09-01" }
 * or: { "姓名": "张三", "公民身份号码": "330106199003071236", "申领城市": "杭州市",
 *   "居住地址": "浙江省杭州市西湖区文三路90号3-2-301", "申领条件": "合法稳定就业、合法稳定住所",
 *   "申领渠道": "网上申领", "申领日期": "2016年9月1日" }
 */
export const permitApplication = defineKind({
  kind: 'permit-application',
  aliases: {
    applicant: {
      labels: ['申请人', '申领人', '申请人信息'],
      fields: PERSON_REF_LABELS,
      flatPrefixes: ['', '申请人'],
    },
    cityDivisionCode: ['申领城市', '申请城市', '居住城市', '申领地'],
    address: {
      labels: ['居住地址', '现住址', '现居住地址', '居住地'],
      fields: ADDRESS_LABELS,
      flatPrefixes: ['居住地'],
      textField: 'detail',
    },
    claims: ['申领条件', '申请条件', '申领依据'],
    channel: ['申领渠道', '受理渠道', '申请方式', '申领方式'],
    submittedOn: ['申领日期', '申请日期', '受理日期'],
  },
  fields: z.strictObject({
    applicant: personRef,
    cityDivisionCode,
    address,
    claims,
    channel: applicationChannel,
    submittedOn: pastOrTodayDate,
  }),
  rules: [addressInCity],
  facts: (record) => ({
    naturalKey: [record.cityDivisionCode, record.submittedOn],
    personIdNumber: record.applicant.idNumber,
    divisionCode: record.address.divisionCode,
  }),
});

export type PermitApplication = z.output<typeof permitApplication.schema>;
