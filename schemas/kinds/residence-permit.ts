import { z } from 'zod';
import { addValueIssue } from '../errors.ts';
import {
  acceptsRaw,
  CODE_MAX_RAW_LENGTH,
  calendarDate,
  documentNumber,
  pastOrTodayDate,
  permitStatus,
  withoutIgnorables,
} from '../values/index.ts';
import { defineKind } from './common/kind.ts';
import { divisionCodeField, PERSON_REF_LABELS, personRef } from './common/parts.ts';
import { type CrossFieldRule, notBefore } from './common/rules.ts';

/** 签发机关 as forms write it, a bureau's name: `杭州市公安局西湖区分局` names the division 杭州市西湖区. */
const BUREAU_WORDS = /公安(?:分)?局|公安厅|分局/g;

/** The issuing public-security bureau, by its division's code or name (or the bureau's name). */
const issuingDivisionCode = z.preprocess(
  // Too long a text is left for the code's own check (TOO_LONG); invisible characters never hide a word.
  (value) =>
    typeof value === 'string' && value.length <= CODE_MAX_RAW_LENGTH
      ? withoutIgnorables(value).replace(BUREAU_WORDS, '')
      : value,
  divisionCodeField,
);

/** The id of the permit-application record the permit answers. */
const applicationId = z.string().transform((value, ctx) => {
  if (!acceptsRaw(value, CODE_MAX_RAW_LENGTH, ctx)) return z.NEVER;
  const id = value.trim();
  if (/^permit-application:[A-Za-z0-9_-]{22}$/.test(id)) return id;
  addValueIssue(ctx, 'VALUE_INVALID', { accepted: "the recordId of the application's result" });
  return z.NEVER;
});

/** 签注: the yearly endorsement, on `endorsedOn`, extends the permit to `endorsedUntil`. */
const endorsement = z.strictObject({ endorsedOn: pastOrTodayDate, endorsedUntil: calendarDate });

type Endorsement = z.output<typeof endorsement>;

/** Oldest first, so the same endorsements in any order give the same record. */
const endorsements = z
  .array(endorsement)
  .transform((given): Endorsement[] =>
    [...given].sort((a, b) => (a.endorsedOn < b.endorsedOn ? -1 : a.endorsedOn > b.endorsedOn ? 1 : 0)),
  );

interface PermitDates {
  issuedOn: string;
  endorsedUntil: string;
  endorsements?: Endorsement[] | undefined;
}

/**
 * Each endorsement lies after the issue and extends to a day after it was made, and the permit's
 * `endorsedUntil` is at least the latest endorsement's (it is the permit's current validity).
 */
const endorsementsInOrder: CrossFieldRule<PermitDates> = {
  reads: ['issuedOn', 'endorsedUntil', 'endorsements'],
  check: (permit, report) => {
    for (const [index, entry] of (permit.endorsements ?? []).entries()) {
      const at = ['endorsements', String(index)];
      if (entry.endorsedOn < permit.issuedOn)
        report([...at, 'endorsedOn'], 'DATE_RANGE', { received: `endorsedOn < issuedOn ${permit.issuedOn}` });
      if (entry.endorsedUntil < entry.endorsedOn)
        report([...at, 'endorsedUntil'], 'DATE_RANGE', { received: 'endorsedUntil < endorsedOn' });
      if (entry.endorsedUntil > permit.endorsedUntil)
        report(['endorsedUntil'], 'DATE_RANGE', {
          received: `endorsedUntil < endorsements.${index}.endorsedUntil`,
        });
    }
  },
};

/**
 * 居住证: the permit public security issued (居住证暂行条例): number, holder, the county bureau that issued it,
 * the application it answers, the issue date, how long its endorsement lasts (签注有效期至), its status, and
 * the yearly endorsements. A permit whose endorsement has lapsed is suspended by the hub's rules, whatever
 * its recorded status; `status` holds what public security decided (suspended, lost, revoked).
 *
 * @example
 * { "permitNumber": "ZJ3301062026000123", "holder": { "idNumber": "330106199003071236", "name": "张三" },
 *   "issuingDivisionCode": "330106", "issuedOn": "2016-09-10", "endorsedUntil": "2017-09-09", "status": "valid" }
 * or: { "居住证编号": "ZJ3301062026000123", "公民身份号码": "330106199003071236", "姓名": "张三",
 *   "签发机关": "杭州市公安局西湖区分局", "签发日期": "2016年9月10日", "签注有效期至": "2017年9月9日", "状态": "有效" }
 */
export const residencePermit = defineKind({
  kind: 'residence-permit',
  aliases: {
    permitNumber: ['居住证编号', '居住证号', '居住证号码', '证件编号'],
    holder: { labels: ['持证人', '持证人信息'], fields: PERSON_REF_LABELS, flatPrefixes: ['', '持证人'] },
    issuingDivisionCode: ['签发机关', '发证机关', '签发机关区划代码'],
    applicationId: ['申领记录编号', '申领编号', '申请编号'],
    issuedOn: ['签发日期', '发证日期'],
    endorsedUntil: ['签注有效期至', '有效期至', '有效期限至'],
    status: ['状态', '证件状态'],
    endorsements: {
      labels: ['签注', '签注记录'],
      fields: { endorsedOn: ['签注日期'], endorsedUntil: ['签注有效期至', '有效期至'] },
    },
  },
  fields: z.strictObject({
    permitNumber: documentNumber,
    holder: personRef,
    issuingDivisionCode,
    applicationId: applicationId.optional(),
    issuedOn: pastOrTodayDate,
    endorsedUntil: calendarDate,
    status: permitStatus,
    endorsements: endorsements.optional(),
  }),
  rules: [notBefore('endorsedUntil', 'issuedOn'), endorsementsInOrder],
  // No end date: a lost or revoked permit says so in `status`; a permit is not "ended" on a day.
  facts: (record) => ({
    naturalKey: [record.permitNumber],
    personIdNumber: record.holder.idNumber,
    divisionCode: record.issuingDivisionCode,
  }),
});

export type ResidencePermit = z.output<typeof residencePermit.schema>;
