import type { z } from 'zod';

/**
 * Every error code the hub reports, with an English and a Chinese message that says what was wrong and
 * what is accepted. Messages never contain personal data: callers pass only masked or non-personal
 * details (see {@link maskIdNumber}, {@link maskPhone}).
 */
export const ERROR_CATALOGUE = {
  REQUIRED: {
    en: 'This field is required but is missing or null.',
    zh: '必填字段缺失或为空。',
  },
  TYPE_INVALID: {
    en: 'The value has the wrong type.',
    zh: '字段值的类型错误。',
  },
  FIELD_UNKNOWN: {
    en: 'This field is not part of the record kind; remove it.',
    zh: '该字段不属于此记录类型，请删除。',
  },
  KIND_UNKNOWN: {
    en: 'Unknown record kind; accepted: residence-registration, residence-departure, rental-property, tenancy, employment, social-insurance, schooling, business-license, permit-application, residence-permit, card-link.',
    zh: '未知的记录类型；可接受：residence-registration、residence-departure、rental-property、tenancy、employment、social-insurance、schooling、business-license、permit-application、residence-permit、card-link。',
  },
  VALUE_INVALID: {
    en: 'The value is not valid for this field.',
    zh: '字段值无效。',
  },
  TOO_LONG: {
    en: 'The value is longer than this field accepts; it was refused as sent, before any normalisation.',
    zh: '字段值超过该字段允许的长度，按原样拒收，未作任何处理。',
  },
  CHARACTER_INVALID: {
    en: 'The text holds a character no field accepts: a control character, an unpaired surrogate, a noncharacter or U+FFFD (text lost in a wrong encoding). Send valid Unicode text without them.',
    zh: '文本含有任何字段都不接受的字符：控制字符、不成对的代理码元、非字符或U+FFFD（因编码错误而丢失的文字）。请去除后以有效的Unicode文本提交。',
  },
  TOO_MANY_ERRORS: {
    en: 'More errors were found than are listed; correct the ones listed and submit again to see the rest.',
    zh: '发现的错误多于所列；请先更正所列错误，重新提交后可看到其余错误。',
  },
  VALUE_OUT_OF_RANGE: {
    en: 'The value (or its length) is outside the accepted range.',
    zh: '字段值（或其长度）超出允许范围。',
  },
  ONE_OF_REQUIRED: {
    en: 'Exactly one of the alternative fields must be given (for a party: either idNumber or creditCode).',
    zh: '备选字段必须且只能填写一个（当事方须填写身份号码或统一社会信用代码之一）。',
  },
  ID_NUMBER_FORMAT: {
    en: 'Resident ID number has the wrong format: expected 18 characters (17 digits and a final digit or X) or a legacy 15-digit number, starting with a valid province code.',
    zh: '公民身份号码格式错误：应为18位（17位数字加1位数字或X）或15位旧号码，且前两位为有效的省级行政区划代码。',
  },
  ID_NUMBER_CHECKSUM: {
    en: 'Resident ID number fails the GB 11643 check character; check for a mistyped digit.',
    zh: '公民身份号码校验码错误（GB 11643），请检查是否有数字输错。',
  },
  ID_NUMBER_AS_NUMBER: {
    en: 'The ID number was kept as a number by the spreadsheet (e.g. 3.30106E+17): a number keeps only 15 significant digits and no final X, so the ID number is lost. Format the column as text and enter the number again.',
    zh: '公民身份号码被表格存成了数字（如3.30106E+17）：数字只保留15位有效数字且不能含末位X，号码已丢失。请将该列设为文本格式后重新填写。',
  },
  ID_NUMBER_BIRTHDATE: {
    en: 'Resident ID number contains an impossible or future birth date; positions 7–14 must be a real date (YYYYMMDD) from 1900 up to today.',
    zh: '公民身份号码中的出生日期无效或晚于今天；第7至14位应为1900年至今的真实日期（YYYYMMDD）。',
  },
  ID_GENDER_MISMATCH: {
    en: 'The gender does not match the resident ID number (17th digit odd = male, even = female).',
    zh: '性别与公民身份号码不符（第17位奇数为男性，偶数为女性）。',
  },
  ID_BIRTHDATE_MISMATCH: {
    en: 'The birth date does not match the one embedded in the resident ID number (positions 7–14).',
    zh: '出生日期与公民身份号码中的出生日期（第7至14位）不符。',
  },
  CREDIT_CODE_FORMAT: {
    en: 'Unified social credit code has the wrong format: expected 18 characters from 0-9 and A-Z without I, O, S, V, Z.',
    zh: '统一社会信用代码格式错误：应为18位，由数字0-9和除I、O、S、V、Z以外的大写字母组成。',
  },
  CREDIT_CODE_CHECKSUM: {
    en: 'Unified social credit code fails the GB 32100 check character; check for a mistyped character.',
    zh: '统一社会信用代码校验码错误（GB 32100），请检查是否有字符输错。',
  },
  DIVISION_CODE_UNKNOWN: {
    en: 'Unknown administrative division code: expected a 6-digit province, city or county code from the NBS 2023 statistical division list (e.g. 330000, 330100, 330106).',
    zh: '未知的行政区划代码：应为国家统计局2023年统计用区划代码中的6位省级、地级或县级代码（如330000、330100、330106）。',
  },
  DATE_FORMAT: {
    en: 'Date has the wrong format: expected YYYY-MM-DD (also accepted: 2016-8-28, 2016/8/28, 2016.8.28, 2016年8月28日, 20160828).',
    zh: '日期格式错误：应为YYYY-MM-DD（也接受2016-8-28、2016/8/28、2016.8.28、2016年8月28日、20160828）。',
  },
  DATE_INVALID: {
    en: 'Date does not exist in the calendar (for example 30 February); expected a real date between 1900-01-01 and 2199-12-31.',
    zh: '日期不存在（例如2月30日）；应为1900-01-01至2199-12-31之间的真实日期。',
  },
  DATE_IN_FUTURE: {
    en: 'Date is in the future; expected today or an earlier date (China Standard Time).',
    zh: '日期晚于今天；应为今天或更早的日期（北京时间）。',
  },
  DATE_RANGE: {
    en: 'The end date is before the start date; expected an end date on or after the start date.',
    zh: '结束日期早于开始日期；结束日期应不早于开始日期。',
  },
  PHONE_FORMAT: {
    en: 'Mobile number has the wrong format: expected 11 digits starting with 13–19, optionally prefixed with +86 or 0086.',
    zh: '手机号码格式错误：应为以13至19开头的11位数字，可带+86或0086前缀。',
  },
  NAME_FORMAT: {
    en: 'Name has the wrong format: expected 1–50 letters or Chinese characters, words optionally joined by a single middle dot (·), no digits or symbols.',
    zh: '姓名格式错误：应为1至50个汉字或字母，可用单个间隔号（·）连接，不得包含数字或符号。',
  },
  ENUM_UNKNOWN: {
    en: 'The value is not one of the accepted codes or labels.',
    zh: '字段值不在可接受的代码或名称之内。',
  },
  DOCUMENT_NUMBER_FORMAT: {
    en: 'Permit or card number has the wrong format: expected 6–32 digits and Latin letters (spaces and hyphens are ignored).',
    zh: '证件或卡号格式错误：应为6至32位数字和拉丁字母（空格和连字符忽略）。',
  },
  DIVISION_LEVEL: {
    en: 'Expected a city-level division code (or a county code within the city), not a province code (e.g. 330100 for Hangzhou).',
    zh: '应为地级（市）行政区划代码或其所辖县级代码，而非省级代码（如杭州市为330100）。',
  },
  DIVISION_MISMATCH: {
    en: 'The division does not lie within the city of the record (e.g. an address in 330106 belongs to the city 330100).',
    zh: '该行政区划不在记录所属城市之内（如330106的地址属于330100市）。',
  },
  ADDRESS_FORMAT: {
    en: 'Address detail has the wrong format: expected 1–200 characters of text after the division (street, number, building, unit, room).',
    zh: '详细地址格式错误：应为1至200个字符的区划以下地址（街路巷、门牌号、幢、单元、室）。',
  },
  FORBIDDEN_KIND: {
    en: "The submitter's role may not submit this record (see the permissions table in the README); nothing of it was stored.",
    zh: '提交方的角色无权提交此记录（见README中的权限表），本条未保存。',
  },
  PROPERTY_NOT_OWNED: {
    en: 'The rental property at this address was registered by another landlord; only that landlord may report it, its tenancies and its residents.',
    zh: '该地址的出租房屋已由其他房东登记；只有该房东可以报送此房屋及其租赁和居住登记信息。',
  },
  SUBJECT_MISMATCH: {
    en: "A resident may submit only their own records: this record's ID number is not the one in the resident's token.",
    zh: '居民只能提交本人的记录：此记录的公民身份号码与令牌中的身份号码不一致。',
  },
  WRITE_FAILED: {
    en: 'The store failed while this record was written, so whether it was stored is not known. Submit it again: a repeat is harmless (it comes back unchanged if it was stored).',
    zh: '写入此记录时存储出错，无法确定是否已保存。请重新提交：重复提交无害（若已保存，将返回unchanged）。',
  },
  NOT_IN_DIVISIONS: {
    en: "A coordinator may submit only for people living in the divisions it serves (the token's divisions claim).",
    zh: '协管员只能为其负责辖区（令牌中的divisions声明）内居住的人员提交记录。',
  },
  FORBIDDEN_DEPARTMENT: {
    en: "This record may be submitted only by the department responsible for it (the token's department claim): residence permits and applications by public-security, card links by the card's issuer.",
    zh: '此记录只能由其主管部门提交（令牌中的department声明）：居住证及其申领由公安部门提交，卡证对接由发卡部门提交。',
  },
  PERMIT_NUMBER_TAKEN: {
    en: 'This permit number is already held by another person; a permit number belongs to one holder only.',
    zh: '该居住证编号已属于他人；一个居住证编号只能属于一名持证人。',
  },
  WRITE_CONFLICT: {
    en: 'The record kept changing under other submissions while this one was written; nothing of it was stored. Submit it again.',
    zh: '写入期间该记录被其他提交反复修改，本条未保存，请重新提交。',
  },
} as const satisfies Record<string, { en: string; zh: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];
export type Locale = 'en' | 'zh';

/** Text that is the same in both languages, or one text per language. */
export type LocalisedText = string | { en: string; zh: string };

/** Extra, non-personal context appended to a catalogue message. */
export interface ErrorDetails {
  /** What was received, already masked when it may be personal (ID numbers, phones). */
  received?: string;
  /** What is accepted, when the catalogue message alone is not specific enough. */
  accepted?: LocalisedText;
}

export interface FieldError {
  /** Path relative to the record's data, joined with '.', e.g. 'person.idNumber'. */
  path: string;
  code: ErrorCode;
  message: string;
}

/** True for a code of the catalogue. */
export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.hasOwn(ERROR_CATALOGUE, value);

const pick = (text: LocalisedText, locale: Locale): string =>
  typeof text === 'string' ? text : text[locale];

/**
 * The catalogue message for `code` in `locale`, with the details appended. Whatever the details say, a
 * number that could be a phone or ID number never comes back whole ({@link maskNumbers}).
 */
export function errorMessage(code: ErrorCode, details?: ErrorDetails, locale: Locale = 'en'): string {
  let message: string = ERROR_CATALOGUE[code][locale];
  if (details?.received !== undefined) {
    message += locale === 'en' ? ` Received: ${details.received}.` : `收到：${details.received}。`;
  }
  if (details?.accepted !== undefined) {
    const accepted = pick(details.accepted, locale);
    message += locale === 'en' ? ` Accepted: ${accepted}.` : `可接受：${accepted}。`;
  }
  return maskNumbers(message);
}

function mask(value: string, keepStart: number, keepEnd: number): string {
  const chars = Array.from(value);
  // Long enough: keep the usual characters; shorter strings keep at most a quarter on each side.
  const long = chars.length >= keepStart + keepEnd + 4;
  const start = long ? keepStart : Math.floor(chars.length / 4);
  const end = long ? keepEnd : Math.floor(chars.length / 4);
  return (
    chars.slice(0, start).join('') +
    '*'.repeat(chars.length - start - end) +
    chars.slice(chars.length - end).join('')
  );
}

/** `330106199003071236` -> `3301**********1236`: at most the first and last four characters stay. */
export const maskIdNumber = (value: string): string => mask(value, 4, 4);

/** `13812345678` -> `138****5678`: at most the first three and last four characters stay. */
export const maskPhone = (value: string): string => mask(value, 3, 4);

/** The fewest digits a number needs to be masked: a mobile (11), an ID (15, 18), a landline with its area code. */
const MASKED_DIGITS = 9;

/**
 * A run of digits (ASCII or full-width) with the separators people write inside numbers, or invisible
 * characters slipped in to hide one. Unambiguous (each repetition ends on a digit), so matching is linear.
 */
const NUMBER_RUN =
  /[0-9\uff10-\uff19](?:[\s\-./()+\u2010-\u2015\u2212\uff0d\u00ad\u200b-\u200f\u2060\ufeff]*[0-9\uff10-\uff19])*/g;
const DIGIT = /[0-9\uff10-\uff19]/g;

function maskRun(run: string): string {
  const digits = run.match(DIGIT)?.length ?? 0;
  if (digits < MASKED_DIGITS) return run;
  // The digits only, masked as a phone is (`139****5678`): a hidden digit cannot be read back.
  return maskPhone(run.replace(/[^0-9\uff10-\uff19]/g, ''));
}

/**
 * The text with every number of 9 or more digits masked, whatever separators or invisible characters sit
 * between its digits: `Received: 139 1234 5678` becomes `Received: 139****5678`. Shorter numbers (dates,
 * limits, counts) stay readable.
 */
export const maskNumbers = (text: string): string => text.replace(NUMBER_RUN, maskRun);

/** Removed from echoes: characters that are invisible or garbled on a screen, or break JSON consumers. */
const UNECHOED = /[\p{Cc}\p{Cf}\p{Cs}\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}\uFFFD]/gu;

/**
 * Short, non-personal echo of a received value (enum labels, dates, codes, unknown keys): at most `maxLength`
 * characters (whole code points), invisible and control characters dropped, long numbers masked.
 */
export function echo(value: unknown, maxLength = 40): string {
  const text = typeof value === 'string' ? value : String(value);
  // Only a bounded prefix is looked at, so a megabyte of text costs no more than a short one; numbers are
  // masked before the cut, so no cut-off part of one is shown either.
  const chars = Array.from(maskNumbers(text.slice(0, maxLength * 4).replace(UNECHOED, '')));
  const cut = chars.length > maxLength || text.length > maxLength * 4;
  return cut ? `${chars.slice(0, maxLength).join('')}…` : chars.join('');
}

/** The custom zod issue every value type raises: the catalogue message and `params.code`. */
export function valueIssue(
  code: ErrorCode,
  details?: ErrorDetails,
  path?: PropertyKey[],
): z.core.$ZodSuperRefineIssue<z.core.$ZodIssueCustom> {
  return {
    code: 'custom',
    message: errorMessage(code, details),
    params: details === undefined ? { code } : { code, details },
    // Never let zod attach the raw (possibly personal) input to the issue.
    input: undefined,
    ...(path === undefined ? {} : { path }),
  };
}

/** Adds a catalogue issue to a transform or refinement context. */
export function addValueIssue(
  ctx: z.core.$RefinementCtx,
  code: ErrorCode,
  details?: ErrorDetails,
  path?: PropertyKey[],
): void {
  ctx.addIssue(valueIssue(code, details, path));
}

export interface FieldErrorOptions {
  /** Language of the messages; default English. */
  locale?: Locale;
  /** The parsed input, used to tell a missing value (REQUIRED) from a wrong one (TYPE_INVALID). */
  input?: unknown;
}

const MISSING_MESSAGE = /received (?:undefined|null)$/;

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function isMissing(issue: z.core.$ZodIssue, options: FieldErrorOptions | undefined, basePath: PropertyKey[]) {
  if ('input' in issue) return issue.input === undefined || issue.input === null;
  if (options !== undefined && 'input' in options) {
    const value = valueAt(options.input, [...basePath, ...issue.path]);
    return value === undefined || value === null;
  }
  return MISSING_MESSAGE.test(issue.message);
}

/** The longest key shown in a path: an unknown key is echoed, so it is cut and masked like any echo. */
const MAX_PATH_KEY_LENGTH = 64;

const joinPath = (path: readonly PropertyKey[]): string =>
  path
    .map((key) => (typeof key === 'number' ? String(key) : echo(String(key), MAX_PATH_KEY_LENGTH)))
    .join('.');

/**
 * At most this many errors are listed for one record (or one envelope); one TOO_MANY_ERRORS counts the
 * rest. Enough for every field of a record to be wrong at once; bounds the answer to a hostile body.
 */
export const MAX_FIELD_ERRORS = 25;

/** The TOO_MANY_ERRORS entry that stands for `omitted` (or, `atLeast`, at least that many) errors not listed. */
export function tooManyErrors(omitted: number, atLeast = false, locale: Locale = 'en'): FieldError {
  const count = `${atLeast ? 'at least ' : ''}${omitted} more errors`;
  const message = errorMessage('TOO_MANY_ERRORS', { received: count }, locale);
  return { path: '', code: 'TOO_MANY_ERRORS', message };
}

/** The errors listed so far and how many were left out; an error past the limit is counted, never built. */
class FieldErrorList {
  readonly items: FieldError[] = [];
  omitted = 0;

  get full(): boolean {
    return this.items.length >= MAX_FIELD_ERRORS;
  }

  add(make: () => FieldError): void {
    if (this.full) this.omitted += 1;
    else this.items.push(make());
  }

  result(locale: Locale): FieldError[] {
    return this.omitted === 0 ? this.items : [...this.items, tooManyErrors(this.omitted, false, locale)];
  }
}

function rangeText(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
  const operator = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
  const subject = issue.origin === 'string' || issue.origin === 'array' ? 'length ' : '';
  return `${subject}${operator} ${String(bound)}`;
}

function convertIssue(
  issue: z.core.$ZodIssue,
  options: FieldErrorOptions | undefined,
  basePath: PropertyKey[],
  out: FieldErrorList,
): void {
  const locale = options?.locale ?? 'en';
  const path = basePath.length === 0 ? issue.path : [...basePath, ...issue.path];
  const push = (code: ErrorCode, details?: ErrorDetails, at: readonly PropertyKey[] = path) =>
    out.add(() => ({ path: joinPath(at), code, message: errorMessage(code, details, locale) }));

  switch (issue.code) {
    case 'custom': {
      const params = issue.params as { code?: unknown; details?: ErrorDetails } | undefined;
      if (isErrorCode(params?.code)) push(params.code, params.details);
      else
        out.add(() => ({ path: joinPath(path), code: 'VALUE_INVALID', message: maskNumbers(issue.message) }));
      return;
    }
    case 'invalid_type':
      if (isMissing(issue, options, basePath)) push('REQUIRED');
      else push('TYPE_INVALID', { accepted: issue.expected });
      return;
    case 'invalid_union': {
      const branches = issue.errors;
      const allMissing =
        branches.length > 0 &&
        branches.every(
          (branch) =>
            branch.length > 0 &&
            branch.every((inner) => inner.code === 'invalid_type' && isMissing(inner, options, path)),
        );
      if (allMissing) push('REQUIRED');
      else push('TYPE_INVALID');
      return;
    }
    case 'invalid_value':
      push('ENUM_UNKNOWN', { accepted: issue.values.map((value) => String(value)).join(', ') });
      return;
    case 'unrecognized_keys':
      for (const key of issue.keys) {
        if (out.full) out.omitted += 1;
        else push('FIELD_UNKNOWN', { received: echo(key) }, [...path, key]);
      }
      return;
    case 'too_big':
      // A string over its maximum is refused as sent, like every value type's raw cap.
      if (issue.origin === 'string') push('TOO_LONG', { accepted: rangeText(issue) });
      else push('VALUE_OUT_OF_RANGE', { accepted: rangeText(issue) });
      return;
    case 'too_small':
      push('VALUE_OUT_OF_RANGE', { accepted: rangeText(issue) });
      return;
    case 'not_multiple_of':
      push('VALUE_OUT_OF_RANGE', { accepted: `a multiple of ${String(issue.divisor)}` });
      return;
    case 'invalid_format':
      push('VALUE_INVALID', { accepted: issue.format });
      return;
    default:
      push('TYPE_INVALID');
  }
}

/**
 * Converts a ZodError (or its issues) into the hub's FieldErrors: catalogue codes from our custom issues,
 * zod's own issue kinds mapped (missing -> REQUIRED, wrong type -> TYPE_INVALID, unrecognised keys ->
 * FIELD_UNKNOWN, invalid enum -> ENUM_UNKNOWN), paths joined with '.'. At most MAX_FIELD_ERRORS are listed,
 * then one TOO_MANY_ERRORS says how many more there were.
 */
export function toFieldErrors(
  error: z.ZodError | { issues: readonly z.core.$ZodIssue[] },
  options?: FieldErrorOptions,
): FieldError[] {
  const out = new FieldErrorList();
  for (const issue of error.issues) convertIssue(issue, options, [], out);
  return out.result(options?.locale ?? 'en');
}
