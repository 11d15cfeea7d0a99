import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ERROR_CATALOGUE,
  ERROR_CODES,
  errorMessage,
  maskIdNumber,
  maskPhone,
  toFieldErrors,
} from '#schemas/errors.ts';
import {
  calendarDate,
  creditCode,
  divisionCode,
  ethnicity,
  gender,
  idNumber,
  mobilePhone,
  personName,
} from '#schemas/values/index.ts';
import { freezeDate, thawDate } from '../../helpers/frozen-date.ts';
import { FIXED_NOW, validIdNumber } from './values/arbitraries.ts';

const CONTRACT_CODES = [
  'REQUIRED',
  'ID_NUMBER_FORMAT',
  'ID_NUMBER_CHECKSUM',
  'ID_NUMBER_BIRTHDATE',
  'CREDIT_CODE_FORMAT',
  'CREDIT_CODE_CHECKSUM',
  'DIVISION_CODE_UNKNOWN',
  'DATE_FORMAT',
  'DATE_INVALID',
  'DATE_IN_FUTURE',
  'DATE_RANGE',
  'PHONE_FORMAT',
  'NAME_FORMAT',
  'ENUM_UNKNOWN',
  'ID_GENDER_MISMATCH',
  'TYPE_INVALID',
  'FIELD_UNKNOWN',
  'KIND_UNKNOWN',
];

const person = z
  .object({
    idNumber,
    name: personName,
    gender,
    ethnicity: ethnicity.optional(),
    phone: mobilePhone.optional(),
    birthDate: calendarDate,
  })
  .strict();
const record = z.object({ person, employerCode: creditCode.optional(), divisionCode }).strict();

const issuesOf = (schema: z.ZodType, data: unknown) => schema.safeParse(data).error ?? { issues: [] };

describe('error catalogue', () => {
  it('lists every code of the contract', () => {
    for (const code of CONTRACT_CODES) expect(ERROR_CODES).toContain(code);
  });

  it('has an English and a Chinese message for every code', () => {
    for (const code of ERROR_CODES) {
      expect(ERROR_CATALOGUE[code].en.length).toBeGreaterThan(10);
      expect(ERROR_CATALOGUE[code].zh).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('appends details in the requested language', () => {
    expect(errorMessage('ENUM_UNKNOWN', { received: 'x', accepted: 'a, b' })).toBe(
      'The value is not one of the accepted codes or labels. Received: x. Accepted: a, b.',
    );
    expect(errorMessage('ENUM_UNKNOWN', { accepted: { en: 'a or b', zh: '甲或乙' } }, 'zh')).toBe(
      '字段值不在可接受的代码或名称之内。可接受：甲或乙。',
    );
  });
});

describe('masking', () => {
  it.each([
    ['330106199003071236', '3301**********1236'],
    ['11010519491231002X', '1101**********002X'],
    ['330106900307123', '3301*******7123'],
    ['1234', '1**4'],
    ['', ''],
  ])('masks the ID number %s as %s', (raw, masked) => {
    expect(maskIdNumber(raw)).toBe(masked);
  });

  it.each([
    ['13812345678', '138****5678'],
    ['8613812345678', '861******5678'],
    ['12345', '1***5'],
  ])('masks the phone %s as %s', (raw, masked) => {
    expect(maskPhone(raw)).toBe(masked);
  });
});

describe('toFieldErrors', () => {
  beforeAll(() => freezeDate(FIXED_NOW));
  afterAll(() => thawDate());

  const valid = {
    person: { idNumber: '330106199003071236', name: '张三', gender: '男', birthDate: '1990-03-07' },
    divisionCode: '330106',
  };

  it('reports our custom codes with paths joined by dots', () => {
    // Prepare
    const data = {
      ...valid,
      person: { ...valid.person, idNumber: '330106199003071235', phone: '12812345678', ethnicity: '火星' },
    };

    // Act
    const errors = toFieldErrors(issuesOf(record, data));

    // Assess
    expect(errors.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: 'person.idNumber', code: 'ID_NUMBER_CHECKSUM' },
      { path: 'person.ethnicity', code: 'ENUM_UNKNOWN' },
      { path: 'person.phone', code: 'PHONE_FORMAT' },
    ]);
    expect(errors[0]?.message).toBe(
      'Resident ID number fails the GB 11643 check character; check for a mistyped digit. Received: 3301**********1235.',
    );
  });

  it('renders messages in Chinese on request', () => {
    const data = { ...valid, person: { ...valid.person, birthDate: '2016年2月30日' } };
    expect(toFieldErrors(issuesOf(record, data), { locale: 'zh' })).toEqual([
      {
        path: 'person.birthDate',
        code: 'DATE_INVALID',
        message: '日期不存在（例如2月30日）；应为1900-01-01至2199-12-31之间的真实日期。收到：2016年2月30日。',
      },
    ]);
  });

  it('maps a missing field to REQUIRED and a wrong type to TYPE_INVALID', () => {
    // Prepare
    const data = { person: { ...valid.person, idNumber: undefined, name: 42 }, divisionCode: null };

    // Act
    const errors = toFieldErrors(issuesOf(record, data));

    // Assess
    expect(errors.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: 'person.idNumber', code: 'REQUIRED' },
      { path: 'person.name', code: 'TYPE_INVALID' },
      { path: 'divisionCode', code: 'REQUIRED' },
    ]);
  });

  it('tells missing from wrong using the input or reportInput, not only the message', () => {
    const data = { person: { ...valid.person, gender: undefined, name: false }, divisionCode: true };
    const expected = [
      { path: 'person.name', code: 'TYPE_INVALID' },
      { path: 'person.gender', code: 'REQUIRED' },
      { path: 'divisionCode', code: 'TYPE_INVALID' },
    ];
    const strip = (errors: { path: string; code: string }[]) =>
      errors.map(({ path, code }) => ({ path, code }));

    expect(strip(toFieldErrors(issuesOf(record, data), { input: data }))).toEqual(expected);
    const reported = record.safeParse(data, { reportInput: true }).error ?? { issues: [] };
    expect(strip(toFieldErrors(reported))).toEqual(expected);
  });

  it('maps unrecognised keys to one FIELD_UNKNOWN per key', () => {
    const data = { ...valid, person: { ...valid.person, nickname: 'x', religion: 'y' } };
    expect(toFieldErrors(issuesOf(record, data)).map(({ path, code }) => ({ path, code }))).toEqual([
      { path: 'person.nickname', code: 'FIELD_UNKNOWN' },
      { path: 'person.religion', code: 'FIELD_UNKNOWN' },
    ]);
  });

  it("maps zod's own enum, range and format issues", () => {
    const schema = z.object({
      status: z.enum(['open', 'closed']),
      rooms: z.number().int().min(1),
      code: z.string().regex(/^a/),
    });
    const errors = toFieldErrors(issuesOf(schema, { status: 'ajar', rooms: 0, code: 'b' }));
    expect(errors.map(({ path, code }) => ({ path, code }))).toEqual([
      { path: 'status', code: 'ENUM_UNKNOWN' },
      { path: 'rooms', code: 'VALUE_OUT_OF_RANGE' },
      { path: 'code', code: 'VALUE_INVALID' },
    ]);
    expect(errors[0]?.message).toContain('Accepted: open, closed.');
    expect(errors[1]?.message).toContain('Accepted: >= 1.');
  });

  it('keeps array indices in paths', () => {
    const schema = z.object({ phones: z.array(mobilePhone) });
    expect(toFieldErrors(issuesOf(schema, { phones: ['13812345678', '1'] }))[0]?.path).toBe('phones.1');
  });

  it('maps a custom issue without a catalogue code to VALUE_INVALID', () => {
    const schema = z.string().refine((value) => value === 'ok', 'must be ok');
    expect(toFieldErrors(issuesOf(schema, 'no'))).toEqual([
      { path: '', code: 'VALUE_INVALID', message: 'must be ok' },
    ]);
  });

  it('never puts a full ID number or phone into a message, in either language', () => {
    // Prepare: valid numbers made invalid by a wrong check character, a future birth date, or junk.
    const badId = validIdNumber.chain((id) =>
      fc.constantFrom(
        `${id.slice(0, 17)}${id.charAt(17) === '0' ? '1' : '0'}`,
        `${id.slice(0, 6)}2099${id.slice(10)}`,
        `${id}9`,
        `${id}abc`,
      ),
    );
    const badPhone = fc
      .stringMatching(/^1[3-9]\d{9}$/)
      .chain((phone) => fc.constantFrom(`${phone}1`, `+1${phone}`, `${phone}x`, `2${phone.slice(1)}`));

    fc.assert(
      fc.property(
        badId,
        badPhone,
        fc.constantFrom('en', 'zh') as fc.Arbitrary<'en' | 'zh'>,
        (id, phone, locale) => {
          // Act
          const data = { ...valid, person: { ...valid.person, idNumber: id, phone } };
          const errors = toFieldErrors(issuesOf(record, data), { locale });
          const messages = errors.map((error) => error.message).join('\n');

          // Assess
          expect(errors.map((error) => error.path)).toEqual(['person.idNumber', 'person.phone']);
          expect(messages).not.toContain(id.slice(0, 18));
          expect(messages).not.toContain(id.slice(0, 17));
          expect(messages).not.toMatch(/\d{11}/);
          expect(messages).not.toContain(phone.replace(/\D/g, '').slice(-11));
        },
      ),
    );
  });
});
