import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { toFieldErrors } from '#schemas/errors.ts';
import {
  CONTRACT_TYPES,
  contractType,
  EDUCATION_LEVELS,
  ETHNIC_GROUPS,
  educationLevel,
  ethnicity,
  GENDERS,
  gender,
  INSURANCE_TYPES,
  insuranceType,
  RESIDENCE_REASONS,
  RESIDENCE_TYPES,
  residenceReason,
  residenceType,
  SCHOOL_STAGES,
  schoolStage,
} from '#schemas/values/enums.ts';

const errorsOf = (schema: z.ZodType, raw: unknown) =>
  toFieldErrors(schema.safeParse(raw).error ?? { issues: [] });

describe('gender (GB/T 2261.1)', () => {
  it.each([
    ['male', 'male'],
    ['Male', 'male'],
    ['男', 'male'],
    ['男性', 'male'],
    ['1', 'male'],
    [1, 'male'],
    ['１', 'male'],
    ['female', 'female'],
    ['女', 'female'],
    ['女性', 'female'],
    ['2', 'female'],
    [2, 'female'],
    ['0', 'unknown'],
    ['未知的性别', 'unknown'],
    ['9', 'unspecified'],
    [' 未说明的性别 ', 'unspecified'],
  ])('maps %s to %s', (raw, expected) => {
    expect(gender.parse(raw)).toBe(expected);
  });

  it('rejects other values with ENUM_UNKNOWN listing the accepted values, without echoing the input', () => {
    // Act
    const [error] = errorsOf(gender, '3');

    // Assess
    expect(error?.code).toBe('ENUM_UNKNOWN');
    expect(error?.message).toContain(
      'male (男, 1), female (女, 2), unknown (未知的性别, 0), unspecified (未说明的性别, 9)',
    );
    expect(error?.message).not.toContain('Received');
  });
});

describe('ethnicity (GB 3304)', () => {
  it('lists 56 groups with codes 01..56 in order', () => {
    expect(ETHNIC_GROUPS).toHaveLength(56);
    expect(ETHNIC_GROUPS.map(([code]) => code)).toEqual(
      Array.from({ length: 56 }, (_, i) => String(i + 1).padStart(2, '0')),
    );
  });

  it.each([
    ['01', '汉族'],
    ['02', '蒙古族'],
    ['05', '维吾尔族'],
    ['08', '壮族'],
    ['10', '朝鲜族'],
    ['15', '土家族'],
    ['22', '畲族'],
    ['30', '土族'],
    ['37', '仡佬族'],
    ['44', '俄罗斯族'],
    ['49', '京族'],
    ['55', '珞巴族'],
    ['56', '基诺族'],
  ])('has %s = %s', (code, name) => {
    expect(ETHNIC_GROUPS.find(([groupCode]) => groupCode === code)?.[1]).toBe(name);
    expect(ethnicity.parse(name)).toBe(code);
  });

  it.each([
    ['汉族', '01'],
    ['汉', '01'],
    ['Han', '01'],
    ['han', '01'],
    ['01', '01'],
    ['1', '01'],
    [1, '01'],
    ['Zhuang', '08'],
    ['Uygur', '05'],
    ['Uyghur', '05'],
    ['维吾尔', '05'],
    ['土', '30'],
    ['土家', '15'],
    ['土家族', '15'],
    ["De'ang", '46'],
    ['Deang', '46'],
    ['基诺', '56'],
    [56, '56'],
    ['Korean', '10'],
    ['Tibetan', '04'],
  ])('maps %s to %s', (raw, expected) => {
    expect(ethnicity.parse(raw)).toBe(expected);
  });

  it('accepts every group by code, number, name, name without 族 and romanised name', () => {
    for (const [code, name, romanised] of ETHNIC_GROUPS) {
      for (const spelling of [
        code,
        Number(code),
        name,
        name.slice(0, -1),
        romanised,
        romanised.toUpperCase(),
      ]) {
        expect(ethnicity.parse(spelling)).toBe(code);
      }
    }
  });

  it.each([['57'], ['0'], ['97'], ['火星族'], ['']])(
    'rejects %s with ENUM_UNKNOWN describing the accepted values',
    (raw) => {
      const [error] = errorsOf(ethnicity, raw);
      expect(error?.code).toBe('ENUM_UNKNOWN');
      expect(error?.message).toContain("a GB 3304 code 01–56 or the group's name");
    },
  );
});

describe('residence, education, insurance, schooling and contract enumerations', () => {
  it.each([
    [residenceType, '租赁房屋', 'rented'],
    [residenceType, '自购房屋', 'owned'],
    [residenceType, '单位集体宿舍', 'employer-dormitory'],
    [residenceType, '借住', 'lodging'],
    [residenceType, '其他', 'other'],
    [residenceType, 'Employer_Dormitory', 'employer-dormitory'],
    [residenceReason, '务工', 'work'],
    [residenceReason, '经商', 'business'],
    [residenceReason, '就学', 'study'],
    [residenceReason, '投靠亲友', 'family'],
    [residenceReason, '其他', 'other'],
    [educationLevel, '本科', 'bachelor'],
    [educationLevel, '20', 'bachelor'],
    [educationLevel, 11, 'doctorate'],
    [educationLevel, '初中', 'junior-secondary'],
    [educationLevel, 'junior secondary', 'junior-secondary'],
    [insuranceType, '养老保险', 'pension'],
    [insuranceType, 310, 'medical'],
    [insuranceType, 'WORK-INJURY', 'work-injury'],
    [schoolStage, '幼儿园', 'preschool'],
    [schoolStage, '高等教育', 'higher'],
    [contractType, '无固定期限', 'open-ended'],
    [contractType, '以完成一定工作任务为期限', 'task-based'],
  ] as const)('maps %#: %s', (schema, raw, expected) => {
    expect(schema.parse(raw)).toBe(expected);
  });

  it.each([
    [residenceType, RESIDENCE_TYPES, '租赁房屋'],
    [residenceReason, RESIDENCE_REASONS, '投靠亲友'],
    [educationLevel, EDUCATION_LEVELS, '本科'],
    [insuranceType, INSURANCE_TYPES, '养老保险'],
    [schoolStage, SCHOOL_STAGES, '学前教育'],
    [contractType, CONTRACT_TYPES, '无固定期限'],
  ] as const)('%#: accepts its own codes and lists them when rejecting', (schema, codes, label) => {
    for (const code of codes) expect(schema.parse(code)).toBe(code);
    const [error] = errorsOf(schema, 'nonsense');
    expect(error?.code).toBe('ENUM_UNKNOWN');
    for (const code of codes) expect(error?.message).toContain(code);
    expect(error?.message).toContain(label);
  });

  it('rejects wrong types as TYPE_INVALID', () => {
    expect(errorsOf(residenceType, true)[0]?.code).toBe('TYPE_INVALID');
  });

  it('is idempotent for every enumeration', () => {
    const schemas = [
      gender,
      ethnicity,
      residenceType,
      residenceReason,
      educationLevel,
      insuranceType,
      schoolStage,
    ];
    const input = fc.oneof(
      fc.constantFrom(
        ...GENDERS,
        '男',
        '女',
        '汉族',
        'Han',
        '租赁房屋',
        '本科',
        '20',
        '110',
        '初中',
        ' 借住 ',
      ),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...schemas, contractType), input, (schema, raw) => {
        const once = schema.safeParse(raw);
        if (once.success) expect(schema.parse(once.data)).toBe(once.data);
      }),
    );
  });
});
