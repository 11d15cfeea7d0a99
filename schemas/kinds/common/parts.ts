import { z } from 'zod';
import { addValueIssue } from '../../errors.ts';
import {
  ADDRESS_MAX_RAW_LENGTH,
  acceptsRaw,
  addressDetail,
  CODE_MAX_RAW_LENGTH,
  calendarDate,
  canonicalText,
  creditCode,
  divisionCode,
  educationLevel,
  ethnicity,
  findDivision,
  freeText,
  gender,
  idNumber,
  idNumberFacts,
  isSameOrAncestor,
  mobilePhone,
  personName,
  resolveDivisionPrefix,
} from '../../values/index.ts';
import type { AliasTable } from './aliases.ts';
import { applyRules, type CrossFieldRule, EVEN_AFTER_FIELD_ERRORS } from './rules.ts';

// The building blocks several record kinds share (person, address, organisation, party), each with the
// labels its fields accept inside a nested object.

// ---- documentation -----------------------------------------------------------------------------------------

/**
 * A field with its meaning in English and Chinese, which the input's JSON Schema (and so the OpenAPI document)
 * shows before the value type's own description of what it accepts.
 */
export function field<T extends z.ZodType>(schema: T, en: string, zh: string): T {
  const accepts = schema.meta()?.description;
  return schema.meta({ description: accepts === undefined ? `${en} ${zh}` : `${en} ${zh} ${accepts}` });
}

// ---- free text and numbers ------------------------------------------------------------------------------

interface NumberRange {
  min: number;
  max: number;
  integer?: boolean;
}

/** Units written after a number in forms: ㎡ (NFKC m2), 平方米, 元, 间, 室, commas of thousands. */
const NUMBER_NOISE = /[\s,]|平方米|平米|m2|元\/月|元|间|室/g;

/** A number, also given as text with full-width digits or a unit (`45.5平方米`, `１５００元`). */
export function amount(range: NumberRange) {
  const accepted = `${range.integer ? 'a whole number' : 'a number'} from ${range.min} to ${range.max}`;
  return z.union([z.number(), z.string()]).transform((raw, ctx) => {
    if (typeof raw === 'string' && !acceptsRaw(raw, CODE_MAX_RAW_LENGTH, ctx)) return z.NEVER;
    const value =
      typeof raw === 'number' ? raw : Number(canonicalText(raw).replace(NUMBER_NOISE, '') || Number.NaN);
    if (!Number.isFinite(value)) {
      addValueIssue(ctx, 'TYPE_INVALID', { accepted });
      return z.NEVER;
    }
    if (value < range.min || value > range.max || (range.integer === true && !Number.isInteger(value))) {
      addValueIssue(ctx, 'VALUE_OUT_OF_RANGE', { received: String(value), accepted });
      return z.NEVER;
    }
    return value;
  });
}

// ---- lists ------------------------------------------------------------------------------------------------

/** The lists that also accept one text of separated items (the JSON Schema says "string or array"). */
export const LISTS_ACCEPTING_TEXT = new WeakSet<z.core.$ZodType>();

/** Registers a list schema that accepts one separated text too (see LISTS_ACCEPTING_TEXT). */
export function acceptingText<S extends z.core.$ZodType>(schema: S): S {
  LISTS_ACCEPTING_TEXT.add(schema);
  return schema;
}

// ---- divisions and addresses ---------------------------------------------------------------------------

const HAS_HAN = /[\u4e00-\u9fff]/;

/** A division code, also given by its name (户籍地: 浙江省温州市瑞安市) when the name resolves completely. */
function divisionCodeOfName(value: unknown): unknown {
  // Too long a text is left for the code's own check (TOO_LONG), never searched for names.
  if (typeof value !== 'string' || value.length > CODE_MAX_RAW_LENGTH || !HAS_HAN.test(value)) return value;
  const resolved = resolveDivisionPrefix(value.trim());
  return resolved !== undefined && resolved.rest.trim() === '' ? resolved.divisionCode : value;
}

export const divisionCodeField = z.preprocess(divisionCodeOfName, divisionCode);

/**
 * A city's division code, also given as a county of it (`330106` → `330100`) or, for the four municipalities,
 * as the province (`110000` → `110100`). Any other province code: DIVISION_LEVEL.
 */
export const cityDivisionCode = z.preprocess(
  divisionCodeOfName,
  divisionCode.transform((code, ctx) => {
    const division = findDivision(code);
    if (division?.level === 'city') return code;
    if (division?.level === 'county' && division.cityCode !== undefined) return division.cityCode;
    const municipality = findDivision(`${code.slice(0, 2)}0100`);
    if (municipality?.grouping && municipality.name === '市辖区') return municipality.code;
    addValueIssue(ctx, 'DIVISION_LEVEL', { received: code });
    return z.NEVER;
  }),
);

/**
 * An address given as one text (`浙江省杭州市西湖区文三路90号3-2-301`) or as an object whose detail still
 * starts with the division names: the division prefix becomes `divisionCode`, the rest `detail`. A prefix
 * that agrees with a given code is dropped; one that contradicts it is left for the reader to see.
 */
function splitDivisionPrefix(value: unknown): unknown {
  const address = typeof value === 'string' ? { detail: value } : value;
  if (typeof address !== 'object' || address === null || Array.isArray(address)) return value;
  const { divisionCode: given, detail } = address as { divisionCode?: unknown; detail?: unknown };
  // Too long a text is left for the detail's own check (TOO_LONG), never searched for names.
  if (typeof detail !== 'string' || detail.length > ADDRESS_MAX_RAW_LENGTH) return address;
  const resolved = resolveDivisionPrefix(detail);
  if (resolved === undefined) return address;
  if (given === undefined) return { ...address, divisionCode: resolved.divisionCode, detail: resolved.rest };
  const givenCode =
    typeof given === 'string' || typeof given === 'number' ? canonicalText(String(given).slice(0, 64)) : '';
  return isSameOrAncestor(resolved.divisionCode, givenCode) ? { ...address, detail: resolved.rest } : address;
}

export const address = z.preprocess(
  splitDivisionPrefix,
  z.strictObject({
    divisionCode: field(
      divisionCodeField,
      'The county-level division of the address.',
      '所在区县的区划代码。',
    ),
    detail: field(addressDetail, 'The address below the division.', '详细地址。'),
  }),
);

export const ADDRESS_LABELS = {
  divisionCode: ['区划代码', '行政区划代码', '行政区划', '所属区划', '地区代码'],
  detail: ['详细地址', '地址详情', '门牌地址'],
} as const satisfies AliasTable;

// ---- people ---------------------------------------------------------------------------------------------

const ID_NUMBER_LABELS = ['公民身份号码', '身份证号', '身份证号码', '身份证', '证件号码'];
const PHONE_LABELS = ['联系电话', '手机号', '手机', '手机号码', '电话', '联系方式'];

export const PERSON_REF_LABELS = {
  idNumber: ID_NUMBER_LABELS,
  name: ['姓名'],
  phone: PHONE_LABELS,
} as const satisfies AliasTable;

export const PERSON_LABELS = {
  ...PERSON_REF_LABELS,
  gender: ['性别'],
  birthDate: ['出生日期', '出生年月日'],
  ethnicity: ['民族'],
  hukouDivisionCode: ['户籍地', '户籍地址代码', '户籍地区划代码', '户籍所在地', '户籍地址'],
  educationLevel: ['文化程度', '学历'],
} as const satisfies AliasTable;

interface IdentityFacts {
  idNumber: string;
  gender?: string | undefined;
  birthDate?: string | undefined;
}

/** A gender given as male/female must be the ID number's (unknown/unspecified say nothing against it). */
const genderAgreesWithIdNumber: CrossFieldRule<IdentityFacts> = {
  reads: ['idNumber', 'gender'],
  check: (person, report) => {
    if (person.gender !== 'male' && person.gender !== 'female') return;
    if (person.gender !== idNumberFacts(person.idNumber).gender) report(['gender'], 'ID_GENDER_MISMATCH');
  },
};

const birthDateAgreesWithIdNumber: CrossFieldRule<IdentityFacts> = {
  reads: ['idNumber', 'birthDate'],
  check: (person, report) => {
    if (person.birthDate === undefined) return;
    if (person.birthDate !== idNumberFacts(person.idNumber).birthDate)
      report(['birthDate'], 'ID_BIRTHDATE_MISMATCH');
  },
};

const identityRules = applyRules([genderAgreesWithIdNumber, birthDateAgreesWithIdNumber]);

/** Someone a record refers to: ID number, name, optionally a phone. */
export const personRef = z.strictObject({
  idNumber: field(idNumber, "The person's resident ID number.", '公民身份号码。'),
  name: field(personName, "The person's name.", '姓名。'),
  phone: field(mobilePhone, "The person's mobile phone.", '联系电话。').optional(),
});

/**
 * The subject of a residence registration. Gender and birth date, when given, must agree with the ID
 * number; when absent they are taken from it, so the canonical person always has both.
 */
export const person = z
  .strictObject({
    idNumber: field(idNumber, "The person's resident ID number.", '公民身份号码。'),
    name: field(personName, "The person's name.", '姓名。'),
    gender: field(gender, 'Gender (GB/T 2261.1); taken from the ID number when absent.', '性别。').optional(),
    birthDate: field(
      calendarDate,
      'Birth date; taken from the ID number when absent.',
      '出生日期。',
    ).optional(),
    ethnicity: field(
      ethnicity,
      'Ethnic group (GB 3304): a code 01–56 or the name, with or without 族.',
      '民族。',
    ).optional(),
    phone: field(mobilePhone, "The person's mobile phone.", '联系电话。').optional(),
    hukouDivisionCode: field(
      divisionCodeField,
      'Division of the household registration (hukou), as a code or its full name.',
      '户籍地区划（代码或名称）。',
    ).optional(),
    educationLevel: field(educationLevel, 'Highest education level (GB/T 4658).', '文化程度。').optional(),
  })
  .superRefine(identityRules, EVEN_AFTER_FIELD_ERRORS)
  .transform((given) => {
    const facts = idNumberFacts(given.idNumber);
    // Rebuilt in field order so a derived and a given gender serialise alike.
    const { idNumber, name, gender = facts.gender, birthDate = facts.birthDate, ...rest } = given;
    return { idNumber, name, gender, birthDate, ...rest };
  });

/** A pupil or student: gender and birth date optional (a minor's data: never derived, only checked). */
export const student = z
  .strictObject({
    idNumber: field(idNumber, "The student's resident ID number.", '学生公民身份号码。'),
    name: field(personName, "The student's name.", '学生姓名。'),
    phone: field(mobilePhone, 'A contact mobile phone.', '联系电话。').optional(),
    gender: field(gender, 'Gender, checked against the ID number.', '性别。').optional(),
    birthDate: field(calendarDate, 'Birth date, checked against the ID number.', '出生日期。').optional(),
  })
  .superRefine(identityRules, EVEN_AFTER_FIELD_ERRORS);

// ---- organisations and parties --------------------------------------------------------------------------

const CREDIT_CODE_LABELS = ['统一社会信用代码', '社会信用代码', '信用代码'];

export const organisationName = freeText(200);

export const organisation = z.strictObject({
  creditCode: field(creditCode, "The organisation's unified social credit code.", '统一社会信用代码。'),
  name: field(organisationName, "The organisation's registered name.", '单位名称。'),
});

export const ORGANISATION_LABELS = {
  creditCode: CREDIT_CODE_LABELS,
  name: ['名称', '单位名称'],
} as const satisfies AliasTable;

/** An organisation with the county-level division it is registered in (an employer). */
export const locatedOrganisation = z.strictObject({
  creditCode: field(creditCode, "The organisation's unified social credit code.", '统一社会信用代码。'),
  name: field(organisationName, "The organisation's registered name.", '单位名称。'),
  divisionCode: field(
    divisionCodeField,
    'The county-level division it is registered in.',
    '所在地区划代码。',
  ),
});

export const LOCATED_ORGANISATION_LABELS = {
  ...ORGANISATION_LABELS,
  divisionCode: ['所在地区划代码', '所在地', '区划代码', '所属区划'],
} as const satisfies AliasTable;

interface PartyFields {
  name: string;
  idNumber?: string | undefined;
  creditCode?: string | undefined;
}

/** A party is a person (ID number) or an organisation (credit code), never both, never neither. */
const exactlyOneIdentifier: CrossFieldRule<PartyFields> = {
  // Reads only whether the identifiers were given, which an invalid one still was.
  reads: [],
  check: (party, report) => {
    const given = Number(party.idNumber !== undefined) + Number(party.creditCode !== undefined);
    if (given !== 1) report([], 'ONE_OF_REQUIRED', { received: given === 0 ? 'neither' : 'both' });
  },
};

/** A person's name in a party must be a valid person name (and is normalised as one). */
const personPartyName: CrossFieldRule<PartyFields> = {
  reads: ['name'],
  check: (party, report) => {
    if (party.idNumber !== undefined && !personName.safeParse(party.name).success)
      report(['name'], 'NAME_FORMAT');
  },
};

/** A landlord or owner: a person or an organisation (exactly one of idNumber/creditCode). */
export const party = z
  .strictObject({
    name: field(organisationName, "The party's name: a person's or an organisation's.", '姓名或名称。'),
    idNumber: field(
      idNumber,
      "A person's ID number (give this or creditCode).",
      '公民身份号码（个人）。',
    ).optional(),
    creditCode: field(
      creditCode,
      "An organisation's credit code (give this or idNumber).",
      '统一社会信用代码（单位）。',
    ).optional(),
    phone: field(mobilePhone, 'A contact mobile phone.', '联系电话。').optional(),
  })
  .superRefine(applyRules([exactlyOneIdentifier, personPartyName]), EVEN_AFTER_FIELD_ERRORS)
  .transform((given) =>
    given.idNumber === undefined ? given : { ...given, name: personName.parse(given.name) },
  );

export const PARTY_LABELS = {
  name: ['姓名', '名称', '姓名或名称', '姓名/名称'],
  idNumber: ID_NUMBER_LABELS,
  creditCode: CREDIT_CODE_LABELS,
  phone: PHONE_LABELS,
} as const satisfies AliasTable;

/** A school: name, county-level division, credit code when known. */
export const school = z.strictObject({
  name: field(organisationName, "The school's name.", '学校名称。'),
  creditCode: field(creditCode, "The school's credit code, when known.", '统一社会信用代码。').optional(),
  divisionCode: field(divisionCodeField, 'The county-level division of the school.', '所在地区划代码。'),
});

export const SCHOOL_LABELS = {
  name: ['学校名称', '名称'],
  creditCode: CREDIT_CODE_LABELS,
  divisionCode: ['所在地区划代码', '所在地', '区划代码', '所属区划'],
} as const satisfies AliasTable;
