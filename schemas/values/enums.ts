import { z } from 'zod';
import { addValueIssue, type ErrorDetails, echo, type LocalisedText } from '../errors.ts';
import { foldWidth } from './characters.ts';
import { acceptsRaw, CODE_MAX_RAW_LENGTH, withoutIgnorables } from './text.ts';

// Each enumeration accepts its English code, Chinese labels and the standard numeric code where one
// exists; lookups go through one precomputed Map per enumeration.

interface EnumEntry<T extends string> {
  code: T;
  /** Chinese label shown in error messages, first of the accepted labels. */
  label: string;
  /** Further accepted spellings: Chinese labels, numeric codes, English synonyms. */
  aliases: readonly string[];
}

/**
 * Lookup key: invisible characters removed, width folded, trimmed, lower-case, without spaces, hyphens,
 * underscores, apostrophes, dots.
 */
const SEPARATORS = /[\s\-_'’.·]+/g;
const lookupKey = (value: string): string =>
  foldWidth(withoutIgnorables(value)).toLowerCase().replace(SEPARATORS, '');

function buildLookup<T extends string>(entries: readonly EnumEntry<T>[]): Map<string, T> {
  const lookup = new Map<string, T>();
  for (const entry of entries) {
    for (const spelling of [entry.code, entry.label, ...entry.aliases]) {
      // Both the exact spelling (fast path) and its key (dirty input); a clash is a bug in the table.
      for (const key of [spelling, lookupKey(spelling)]) {
        const existing = lookup.get(key);
        if (existing !== undefined && existing !== entry.code) {
          throw new Error(`Enum spelling '${key}' maps to both ${existing} and ${entry.code}`);
        }
        lookup.set(key, entry.code);
      }
    }
  }
  return lookup;
}

interface EnumOptions {
  /** Replaces the generated list of accepted values in ENUM_UNKNOWN (for long lists). */
  accepted?: LocalisedText;
  /** Whether the rejected value may be echoed in the message (false for personal attributes). */
  echoReceived?: boolean;
}

function acceptedList<T extends string>(entries: readonly EnumEntry<T>[]): LocalisedText {
  const numeric = (entry: EnumEntry<T>) => entry.aliases.find((alias) => /^\d+$/.test(alias));
  return entries
    .map((entry) => {
      const code = numeric(entry);
      return `${entry.code} (${entry.label}${code === undefined ? '' : `, ${code}`})`;
    })
    .join(', ');
}

/** Every accepted spelling as written: codes, labels, aliases, and numeric codes also as numbers. */
function spellingsOf<T extends string>(entries: readonly EnumEntry<T>[]): (string | number)[] {
  const strings = entries.flatMap((entry) => [entry.code, entry.label, ...entry.aliases]);
  const numbers = strings.filter((spelling) => /^(0|[1-9]\d*)$/.test(spelling)).map(Number);
  return [...new Set<string | number>([...strings, ...numbers])];
}

/**
 * A value in, the English code out; accepts strings and (for numeric codes) numbers. `id` names the
 * enumeration in JSON Schema (`$defs`) and the OpenAPI document (a component).
 */
function codedEnum<const T extends string>(
  id: string,
  entries: readonly EnumEntry<T>[],
  options: EnumOptions = {},
) {
  const lookup = buildLookup(entries);
  const accepted = options.accepted ?? acceptedList(entries);
  const resolve = (value: string | number): T | undefined => {
    if (typeof value === 'number') return lookup.get(String(value));
    return lookup.get(value) ?? lookup.get(lookupKey(value));
  };
  const schema = z.union([z.string(), z.number()]).transform((value, ctx): T => {
    if (typeof value === 'string' && !acceptsRaw(value, CODE_MAX_RAW_LENGTH, ctx)) return z.NEVER;
    const code = resolve(value);
    if (code !== undefined) return code;
    const details: ErrorDetails =
      options.echoReceived === false ? { accepted } : { received: echo(value), accepted };
    addValueIssue(ctx, 'ENUM_UNKNOWN', details);
    return z.NEVER;
  });
  // What the input's JSON Schema lists: every spelling as written in the table (the lookup also folds case,
  // width, spaces and hyphens, which a schema cannot list).
  schema.register(z.globalRegistry, {
    id,
    enum: spellingsOf(entries),
    description:
      'A listed code, label or numeric code; case, full-width forms, spaces and hyphens do not matter. ' +
      '可填代码、中文名称或数字代码，不区分大小写与全半角。',
  });
  const labels = Object.fromEntries(entries.map((entry) => [entry.code, entry.label])) as Record<T, string>;
  return { schema, resolve, codes: entries.map((entry) => entry.code), labels };
}

// ---- gender (GB/T 2261.1) -----------------------------------------------------------------------------

export const GENDERS = ['male', 'female', 'unknown', 'unspecified'] as const;
export type Gender = (typeof GENDERS)[number];
const genderEnum = codedEnum<Gender>(
  'Gender',
  [
    { code: 'male', label: '男', aliases: ['1', '男性', 'm'] },
    { code: 'female', label: '女', aliases: ['2', '女性', 'f'] },
    { code: 'unknown', label: '未知的性别', aliases: ['0', '未知'] },
    { code: 'unspecified', label: '未说明的性别', aliases: ['9', '未说明'] },
  ],
  { echoReceived: false },
);
export const gender = genderEnum.schema;

// ---- ethnic groups (GB 3304) --------------------------------------------------------------------------

/** The 56 ethnic groups in GB 3304 order: code, Chinese name, romanised name, common English names. */
export const ETHNIC_GROUPS = [
  ['01', '汉族', 'Han', []],
  ['02', '蒙古族', 'Mongol', ['Mongolian']],
  ['03', '回族', 'Hui', []],
  ['04', '藏族', 'Zang', ['Tibetan']],
  ['05', '维吾尔族', 'Uygur', ['Uyghur', 'Uighur']],
  ['06', '苗族', 'Miao', ['Hmong']],
  ['07', '彝族', 'Yi', []],
  ['08', '壮族', 'Zhuang', []],
  ['09', '布依族', 'Buyei', ['Bouyei', 'Buyi']],
  ['10', '朝鲜族', 'Chosen', ['Korean', 'Chaoxian']],
  ['11', '满族', 'Man', ['Manchu']],
  ['12', '侗族', 'Dong', []],
  ['13', '瑶族', 'Yao', []],
  ['14', '白族', 'Bai', []],
  ['15', '土家族', 'Tujia', []],
  ['16', '哈尼族', 'Hani', []],
  ['17', '哈萨克族', 'Kazak', ['Kazakh']],
  ['18', '傣族', 'Dai', []],
  ['19', '黎族', 'Li', []],
  ['20', '傈僳族', 'Lisu', []],
  ['21', '佤族', 'Va', ['Wa']],
  ['22', '畲族', 'She', []],
  ['23', '高山族', 'Gaoshan', []],
  ['24', '拉祜族', 'Lahu', []],
  ['25', '水族', 'Sui', ['Shui']],
  ['26', '东乡族', 'Dongxiang', []],
  ['27', '纳西族', 'Naxi', []],
  ['28', '景颇族', 'Jingpo', ['Jingpho']],
  ['29', '柯尔克孜族', 'Kirgiz', ['Kyrgyz', 'Kirghiz']],
  ['30', '土族', 'Tu', ['Monguor']],
  ['31', '达斡尔族', 'Daur', ['Dawoer']],
  ['32', '仫佬族', 'Mulao', ['Mulam']],
  ['33', '羌族', 'Qiang', []],
  ['34', '布朗族', 'Blang', ['Bulang']],
  ['35', '撒拉族', 'Salar', ['Sala']],
  ['36', '毛南族', 'Maonan', []],
  ['37', '仡佬族', 'Gelao', []],
  ['38', '锡伯族', 'Xibe', ['Sibe', 'Xibo']],
  ['39', '阿昌族', 'Achang', []],
  ['40', '普米族', 'Pumi', []],
  ['41', '塔吉克族', 'Tajik', []],
  ['42', '怒族', 'Nu', []],
  ['43', '乌孜别克族', 'Uzbek', []],
  ['44', '俄罗斯族', 'Russ', ['Russian']],
  ['45', '鄂温克族', 'Ewenki', ['Evenki']],
  ['46', '德昂族', 'Deang', ["De'ang"]],
  ['47', '保安族', 'Bonan', ['Baoan']],
  ['48', '裕固族', 'Yugur', ['Yugu']],
  ['49', '京族', 'Gin', ['Jing']],
  ['50', '塔塔尔族', 'Tatar', []],
  ['51', '独龙族', 'Derung', ['Dulong']],
  ['52', '鄂伦春族', 'Oroqen', ['Orogen', 'Elunchun']],
  ['53', '赫哲族', 'Hezhen', ['Hezhe', 'Nanai']],
  ['54', '门巴族', 'Monba', ['Monpa', 'Menba']],
  ['55', '珞巴族', 'Lhoba', ['Luoba']],
  ['56', '基诺族', 'Jino', ['Jinuo']],
] as const satisfies readonly (readonly [string, string, string, readonly string[]])[];

/** GB 3304 two-digit code '01'..'56'. */
export type Ethnicity = string;

const ethnicityEnum = codedEnum<Ethnicity>(
  'Ethnicity',
  ETHNIC_GROUPS.map(([code, name, romanised, english]) => ({
    code,
    label: name,
    // '01' and 1; 汉族 and 汉; Han, han, HAN and the common English names.
    aliases: [String(Number(code)), name.slice(0, -1), romanised, ...english],
  })),
  {
    echoReceived: false,
    accepted: {
      en: "a GB 3304 code 01–56 or the group's name, with or without 族, in Chinese or English (e.g. 01, 汉族, 汉, Han)",
      zh: 'GB 3304 民族代码01至56，或民族名称（可省略“族”字，中文或英文，如01、汉族、汉、Han）',
    },
  },
);
export const ethnicity = ethnicityEnum.schema;

// ---- residence ----------------------------------------------------------------------------------------

export const RESIDENCE_TYPES = ['rented', 'owned', 'employer-dormitory', 'lodging', 'other'] as const;
export type ResidenceType = (typeof RESIDENCE_TYPES)[number];
const residenceTypeEnum = codedEnum<ResidenceType>('ResidenceType', [
  { code: 'rented', label: '租赁房屋', aliases: ['租赁', '租房', '出租房屋'] },
  { code: 'owned', label: '自购房屋', aliases: ['自有房屋', '自购', '自有'] },
  { code: 'employer-dormitory', label: '单位集体宿舍', aliases: ['单位宿舍', '集体宿舍'] },
  { code: 'lodging', label: '借住', aliases: ['借住房屋', '寄住'] },
  { code: 'other', label: '其他', aliases: ['其它'] },
]);
export const residenceType = residenceTypeEnum.schema;
/** The Chinese label of each residence type (租赁房屋, …). */
export const RESIDENCE_TYPE_LABELS = residenceTypeEnum.labels;

export const RESIDENCE_REASONS = ['work', 'business', 'study', 'family', 'other'] as const;
export type ResidenceReason = (typeof RESIDENCE_REASONS)[number];
export const residenceReason = codedEnum<ResidenceReason>('ResidenceReason', [
  { code: 'work', label: '务工', aliases: ['就业'] },
  { code: 'business', label: '经商', aliases: ['经营'] },
  { code: 'study', label: '就学', aliases: ['上学', '求学'] },
  { code: 'family', label: '投靠亲友', aliases: ['投亲靠友', '随迁'] },
  { code: 'other', label: '其他', aliases: ['其它'] },
]).schema;

// ---- education (GB/T 4658-2006 level codes) -------------------------------------------------------------

export const EDUCATION_LEVELS = [
  'none',
  'primary',
  'junior-secondary',
  'senior-secondary',
  'vocational',
  'associate',
  'bachelor',
  'master',
  'doctorate',
] as const;
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];
export const educationLevel = codedEnum<EducationLevel>('EducationLevel', [
  { code: 'none', label: '未上过学', aliases: ['无', '文盲', '不识字或识字很少'] },
  { code: 'primary', label: '小学', aliases: ['80', '81', '小学教育'] },
  { code: 'junior-secondary', label: '初中', aliases: ['70', '71', '初级中学'] },
  { code: 'senior-secondary', label: '高中', aliases: ['60', '61', '普通高中', '普通高级中学'] },
  {
    code: 'vocational',
    label: '中等职业教育',
    aliases: ['40', '41', '44', '47', '中专', '中职', '职高', '职业高中', '技校', '技工学校', '中等专科'],
  },
  { code: 'associate', label: '大专', aliases: ['30', '31', '专科', '大学专科', '高职'] },
  { code: 'bachelor', label: '本科', aliases: ['20', '21', '大学本科'] },
  { code: 'master', label: '硕士研究生', aliases: ['14', '硕士'] },
  { code: 'doctorate', label: '博士研究生', aliases: ['11', '博士'] },
]).schema;

// ---- social insurance (MOHRSS insurance-type codes 110/310/210/410/510) -------------------------------------

export const INSURANCE_TYPES = ['pension', 'medical', 'unemployment', 'work-injury', 'maternity'] as const;
export type InsuranceType = (typeof INSURANCE_TYPES)[number];
export const insuranceType = codedEnum<InsuranceType>('InsuranceType', [
  { code: 'pension', label: '养老保险', aliases: ['110', '基本养老保险', '职工基本养老保险', '养老'] },
  {
    code: 'medical',
    label: '医疗保险',
    aliases: ['310', '基本医疗保险', '职工基本医疗保险', '医疗', '医保'],
  },
  { code: 'unemployment', label: '失业保险', aliases: ['210', '失业'] },
  { code: 'work-injury', label: '工伤保险', aliases: ['410', '工伤'] },
  { code: 'maternity', label: '生育保险', aliases: ['510', '生育'] },
]).schema;

// ---- schooling --------------------------------------------------------------------------------------------

export const SCHOOL_STAGES = [
  'preschool',
  'primary',
  'junior-secondary',
  'senior-secondary',
  'vocational',
  'higher',
] as const;
export type SchoolStage = (typeof SCHOOL_STAGES)[number];
export const schoolStage = codedEnum<SchoolStage>('SchoolStage', [
  { code: 'preschool', label: '学前教育', aliases: ['幼儿园', '学前'] },
  { code: 'primary', label: '小学', aliases: [] },
  { code: 'junior-secondary', label: '初中', aliases: ['初级中学'] },
  { code: 'senior-secondary', label: '高中', aliases: ['普通高中', '高级中学'] },
  { code: 'vocational', label: '中等职业教育', aliases: ['中职', '中专', '职高', '技校'] },
  { code: 'higher', label: '高等教育', aliases: ['大学', '高校'] },
]).schema;

// ---- labour contracts ------------------------------------------------------------------------------------

export const CONTRACT_TYPES = ['fixed-term', 'open-ended', 'task-based', 'none'] as const;
export type ContractType = (typeof CONTRACT_TYPES)[number];
export const contractType = codedEnum<ContractType>('ContractType', [
  { code: 'fixed-term', label: '固定期限', aliases: ['固定期限劳动合同'] },
  { code: 'open-ended', label: '无固定期限', aliases: ['无固定期限劳动合同'] },
  {
    code: 'task-based',
    label: '以完成一定工作任务为期限',
    aliases: ['以完成一定工作任务为期限的劳动合同', '以完成工作任务为期限', '项目制'],
  },
  { code: 'none', label: '未签订', aliases: ['无', '无合同', '未签订劳动合同'] },
]).schema;

// ---- residence permits (居住证) ----------------------------------------------------------------------------

/** The conditions an applicant claims (居住证暂行条例 art. 2): stable employment, residence, or schooling. */
export const PERMIT_CLAIMS = ['employment', 'housing', 'schooling'] as const;
export type PermitClaim = (typeof PERMIT_CLAIMS)[number];
export const permitClaim = codedEnum<PermitClaim>('PermitClaim', [
  { code: 'employment', label: '合法稳定就业', aliases: ['就业', '稳定就业', '务工', '经商'] },
  { code: 'housing', label: '合法稳定住所', aliases: ['住所', '稳定住所', '居住'] },
  { code: 'schooling', label: '连续就读', aliases: ['就读', '就学', '上学'] },
]).schema;

/** How an application reached public security: the resident online, a coordinator at the door, a counter. */
export const APPLICATION_CHANNELS = ['self-service', 'coordinator', 'counter'] as const;
export type ApplicationChannel = (typeof APPLICATION_CHANNELS)[number];
export const applicationChannel = codedEnum<ApplicationChannel>('ApplicationChannel', [
  {
    code: 'self-service',
    label: '自助申领',
    aliases: ['网上申领', '手机申领', '网上办理', '自助', 'app', 'web', '手机客户端', '互联网'],
  },
  { code: 'coordinator', label: '协管员代办', aliases: ['协管员', '上门采集', '上门办理', '代办'] },
  { code: 'counter', label: '窗口受理', aliases: ['窗口', '窗口办理', '派出所窗口', '现场办理'] },
]).schema;

/** A permit's state as public security records it; a lapsed endorsement is derived, not recorded here. */
export const PERMIT_STATUSES = ['valid', 'suspended', 'lost', 'revoked'] as const;
export type PermitStatus = (typeof PERMIT_STATUSES)[number];
export const permitStatus = codedEnum<PermitStatus>('PermitStatus', [
  { code: 'valid', label: '有效', aliases: ['正常'] },
  { code: 'suspended', label: '中止', aliases: ['暂停', '中止使用', '暂停使用'] },
  { code: 'lost', label: '挂失', aliases: ['遗失', '丢失'] },
  { code: 'revoked', label: '注销', aliases: ['吊销', '作废', '收缴'] },
]).schema;

/** The cards a permit's IC card is linked to (卡证对接). */
export const CARD_TYPES = ['citizen-card', 'social-security-card'] as const;
export type CardType = (typeof CARD_TYPES)[number];
export const cardType = codedEnum<CardType>('CardType', [
  { code: 'citizen-card', label: '市民卡', aliases: ['城市一卡通'] },
  { code: 'social-security-card', label: '社会保障卡', aliases: ['社保卡'] },
]).schema;
