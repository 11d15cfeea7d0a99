// A deterministic corpus of submitted records for benchmarks and tests: all eight kinds, clean and dirty
// forms (Chinese labels, full-width digits, 2016年8月28日, +86 phones, look-alike middle dots, address texts),
// and about 5% invalid records. Same seed, same corpus; no dependency on the code under test.
import type { RecordKind } from '../schemas/index.ts';

export interface CorpusRecord {
  kind: RecordKind;
  data: Record<string, unknown>;
  /** False for the records deliberately made invalid. */
  valid: boolean;
}

export interface CorpusOptions {
  seed?: number;
  /** Share of deliberately invalid records; default 0.05. */
  invalidRate?: number;
  /** Share of records written in a dirty form; default 0.4. */
  dirtyRate?: number;
}

/** mulberry32: a tiny, fast, seedable PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- identifiers (computed here, independently of schemas/values) ---------------------------------------

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11643 check character of 17 digits. */
export function idCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] ?? 0);
  return '10X98765432'.charAt(sum % 11);
}

const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100 check character of the first 17 characters. */
export function creditCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_ALPHABET.indexOf(first17.charAt(i)) * (CREDIT_WEIGHTS[i] ?? 0);
  return CREDIT_ALPHABET.charAt((31 - (sum % 31)) % 31);
}

// ---- vocabulary -----------------------------------------------------------------------------------------

/** Counties of the province where people register, with the address prefix written in forms. */
const COUNTIES = [
  ['330106', '浙江省杭州市西湖区'],
  ['330102', '浙江省杭州市上城区'],
  ['330105', '杭州市拱墅区'],
  ['330108', '浙江省杭州市滨江区'],
  ['330212', '浙江省宁波市鄞州区'],
  ['330302', '温州市鹿城区'],
  ['330381', '浙江省温州市瑞安市'],
  ['330782', '浙江省金华市义乌市'],
] as const;

/** Where migrants' household registrations (and ID numbers) come from. */
const HOMETOWNS = ['410102', '510104', '420102', '360102', '430102', '340102', '522301', '450102', '320106'];

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡'];
const GIVEN_NAMES = [
  '伟',
  '芳',
  '娜',
  '秀英',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
];
/** Minority names joined by a middle dot, canonical form U+00B7. */
const DOTTED_NAMES = [
  ['阿依古丽', '买买提'],
  ['迪丽努尔', '艾买提'],
  ['热依汗', '吐尔逊'],
];
const DOT_LOOK_ALIKES = ['•', '・', '‧', '.', '·'];
const STREETS = ['文三路', '学院路', '天目山路', '教工路', '莫干山路', '解放路', '中山北路', '人民路'];
const COMPANY_WORDS = ['科技', '贸易', '餐饮', '物流', '建筑', '服装', '电子'];

const RESIDENCE_TYPES = [
  ['rented', '租赁房屋'],
  ['owned', '自购房屋'],
  ['employer-dormitory', '单位集体宿舍'],
  ['lodging', '借住'],
] as const;
const REASONS = [
  ['work', '务工'],
  ['business', '经商'],
  ['study', '就学'],
  ['family', '投靠亲友'],
] as const;
const CONTRACT_TYPES = [
  ['fixed-term', '固定期限'],
  ['open-ended', '无固定期限'],
  ['task-based', '以完成一定工作任务为期限'],
] as const;
const INSURANCE_TYPES = [
  ['pension', '养老保险'],
  ['medical', '医疗保险'],
  ['unemployment', '失业保险'],
  ['work-injury', '工伤保险'],
  ['maternity', '生育保险'],
] as const;
const STAGES = [
  ['primary', '小学'],
  ['junior-secondary', '初中'],
  ['senior-secondary', '高中'],
] as const;

/** How often each kind appears: registrations dominate, as in the notice's survey. */
const KIND_WEIGHTS: readonly (readonly [RecordKind, number])[] = [
  ['residence-registration', 40],
  ['residence-departure', 8],
  ['rental-property', 12],
  ['tenancy', 12],
  ['employment', 12],
  ['social-insurance', 8],
  ['schooling', 4],
  ['business-license', 4],
];

// ---- generator ------------------------------------------------------------------------------------------

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Full-width digits and letters: what some input methods produce. */
const fullWidth = (s: string): string =>
  s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

interface Person {
  idNumber: string;
  name: string;
  dirtyName: string;
  gender: 'male' | 'female';
  birthDate: string;
  phone: string;
  hukou: string;
}

class Generator {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  kind(): RecordKind {
    const total = KIND_WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.random() * total;
    for (const [kind, weight] of KIND_WEIGHTS) {
      roll -= weight;
      if (roll < 0) return kind;
    }
    return 'residence-registration';
  }

  /** A real date (days 1–28 of any month) between the years given. */
  date(fromYear: number, toYear: number): string {
    return `${this.int(fromYear, toYear)}-${pad(this.int(1, 12))}-${pad(this.int(1, 28))}`;
  }

  /** The same date as forms write it. */
  dirtyDate(date: string): string {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return this.pick([
      `${y}年${m}月${d}日`,
      `${y}/${m}/${d}`,
      `${y}.${m}.${d}`,
      `${y}${pad(m)}${pad(d)}`,
      fullWidth(date),
    ]);
  }

  person(minYear = 1960, maxYear = 2004): Person {
    const birthDate = this.date(minYear, maxYear);
    const hukou = this.pick(HOMETOWNS);
    const sequence = this.int(0, 999);
    const first17 = `${hukou}${birthDate.replaceAll('-', '')}${pad(sequence, 3)}`;
    let name: string;
    let dirtyName: string;
    if (this.chance(0.05)) {
      const [first, last] = this.pick(DOTTED_NAMES) as [string, string];
      name = `${first}·${last}`;
      dirtyName = `${first}${this.pick(DOT_LOOK_ALIKES)}${last}`;
    } else {
      name = this.pick(SURNAMES) + this.pick(GIVEN_NAMES);
      dirtyName = this.chance(0.2) ? ` ${name} ` : name;
    }
    return {
      idNumber: first17 + idCheckCharacter(first17),
      name,
      dirtyName,
      gender: sequence % 2 === 1 ? 'male' : 'female',
      birthDate,
      phone: `1${this.pick([3, 5, 7, 8, 9])}${pad(this.int(0, 999_999_999), 9)}`,
      hukou,
    };
  }

  dirtyIdNumber(id: string): string {
    return this.pick([
      fullWidth(id),
      `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`,
      id.toLowerCase(),
    ]);
  }

  dirtyPhone(phone: string): string {
    return this.pick([
      `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`,
      `0086-${phone}`,
      fullWidth(phone),
    ]);
  }

  creditCode(divisionCode: string): string {
    let organisation = '';
    for (let i = 0; i < 9; i++) organisation += this.pick([...CREDIT_ALPHABET]);
    const first17 = `91${divisionCode}${organisation}`;
    return first17 + creditCheckCharacter(first17);
  }

  company(): string {
    return `杭州${this.pick(SURNAMES)}${this.pick(GIVEN_NAMES)}${this.pick(COMPANY_WORDS)}有限公司`;
  }

  /** A county and a street address in it: canonical detail and the dirty one-string form. */
  place(): { divisionCode: string; detail: string; text: string } {
    const [divisionCode, prefix] = this.pick(COUNTIES);
    const street = `${this.pick(STREETS)}${this.int(1, 300)}号`;
    const [building, unit, room] = [this.int(1, 30), this.int(1, 6), this.int(101, 2203)];
    return {
      divisionCode,
      detail: `${street}${building}幢${unit}单元${room}室`,
      text: `${prefix}${street}${building}-${unit}-${room}`,
    };
  }
}

type Build = (g: Generator, dirty: boolean) => Record<string, unknown>;

const residenceRegistration: Build = (g, dirty) => {
  const person = g.person();
  const place = g.place();
  const [type, typeLabel] = g.pick(RESIDENCE_TYPES);
  const [reason, reasonLabel] = g.pick(REASONS);
  const movedInOn = g.date(2010, 2024);
  if (!dirty) {
    return {
      person: {
        idNumber: person.idNumber,
        name: person.name,
        gender: person.gender,
        birthDate: person.birthDate,
        phone: person.phone,
        hukouDivisionCode: person.hukou,
      },
      address: { divisionCode: place.divisionCode, detail: place.detail },
      residenceType: type,
      reason,
      movedInOn,
    };
  }
  return {
    姓名: person.dirtyName,
    公民身份号码: g.dirtyIdNumber(person.idNumber),
    性别: person.gender === 'male' ? '男' : '女',
    民族: g.pick(['汉族', '汉', '01']),
    联系电话: g.dirtyPhone(person.phone),
    户籍地: person.hukou,
    现住址: place.text,
    居住处所: typeLabel,
    居住事由: reasonLabel,
    来本地日期: g.dirtyDate(movedInOn),
  };
};

const residenceDeparture: Build = (g, dirty) => {
  const person = g.person();
  const [divisionCode] = g.pick(COUNTIES);
  const movedOutOn = g.date(2015, 2025);
  if (!dirty) {
    return { person: { idNumber: person.idNumber, name: person.name }, divisionCode, movedOutOn };
  }
  return {
    姓名: person.dirtyName,
    身份证号: g.dirtyIdNumber(person.idNumber),
    登记地区划代码: fullWidth(divisionCode),
    离开日期: g.dirtyDate(movedOutOn),
    去往地: person.hukou,
  };
};

const rentalProperty: Build = (g, dirty) => {
  const place = g.place();
  const company = g.chance(0.2);
  const owner = g.person(1950, 1990);
  const creditCode = g.creditCode(place.divisionCode);
  const area = g.int(20, 180);
  if (!dirty) {
    return {
      owner: company
        ? { name: g.company(), creditCode }
        : { name: owner.name, idNumber: owner.idNumber, phone: owner.phone },
      address: { divisionCode: place.divisionCode, detail: place.detail },
      areaSqm: area,
      rooms: g.int(1, 5),
    };
  }
  return {
    ...(company
      ? { 房主名称: g.company(), 房主统一社会信用代码: creditCode }
      : {
          房主姓名: owner.dirtyName,
          房主身份证号: g.dirtyIdNumber(owner.idNumber),
          房主联系电话: g.dirtyPhone(owner.phone),
        }),
    房屋地址: place.text,
    建筑面积: `${area}平方米`,
    房间数: fullWidth(String(g.int(1, 5))),
  };
};

const tenancy: Build = (g, dirty) => {
  const tenant = g.person();
  const landlord = g.person(1950, 1990);
  const place = g.place();
  const startsOn = g.date(2015, 2024);
  const endsOn = `${Number(startsOn.slice(0, 4)) + 1}${startsOn.slice(4)}`;
  const rent = g.int(8, 60) * 100;
  if (!dirty) {
    return {
      tenant: { idNumber: tenant.idNumber, name: tenant.name, phone: tenant.phone },
      landlord: { name: landlord.name, idNumber: landlord.idNumber },
      property: { divisionCode: place.divisionCode, detail: place.detail },
      startsOn,
      endsOn,
      monthlyRentYuan: rent,
    };
  }
  return {
    承租人姓名: tenant.dirtyName,
    承租人身份证号: g.dirtyIdNumber(tenant.idNumber),
    承租人联系电话: g.dirtyPhone(tenant.phone),
    出租人姓名: landlord.dirtyName,
    出租人身份证号: g.dirtyIdNumber(landlord.idNumber),
    房屋地址: place.text,
    租赁起始日期: g.dirtyDate(startsOn),
    租赁截止日期: g.dirtyDate(endsOn),
    月租金: `${fullWidth(String(rent))}元`,
  };
};

const employment: Build = (g, dirty) => {
  const person = g.person();
  const [divisionCode] = g.pick(COUNTIES);
  const [contract, contractLabel] = g.pick(CONTRACT_TYPES);
  const startsOn = g.date(2012, 2024);
  const creditCode = g.creditCode(divisionCode);
  const name = g.company();
  if (!dirty) {
    return {
      person: { idNumber: person.idNumber, name: person.name },
      employer: { creditCode, name, divisionCode },
      contractType: contract,
      startsOn,
      occupation: '操作工',
    };
  }
  return {
    姓名: person.dirtyName,
    身份证号码: g.dirtyIdNumber(person.idNumber),
    用人单位名称: name,
    统一社会信用代码: creditCode.toLowerCase(),
    用人单位所在地区划代码: divisionCode,
    合同类型: contractLabel,
    入职日期: g.dirtyDate(startsOn),
    岗位: '操作工',
  };
};

const socialInsurance: Build = (g, dirty) => {
  const person = g.person();
  const [divisionCode] = g.pick(COUNTIES);
  const [type, typeLabel] = g.pick(INSURANCE_TYPES);
  const startedOn = g.date(2012, 2024);
  if (!dirty) {
    return {
      person: { idNumber: person.idNumber, name: person.name },
      insuranceType: type,
      divisionCode,
      startedOn,
    };
  }
  return {
    姓名: person.dirtyName,
    身份证号: g.dirtyIdNumber(person.idNumber),
    险种: typeLabel,
    参保地: divisionCode,
    参保日期: g.dirtyDate(startedOn),
  };
};

const schooling: Build = (g, dirty) => {
  const student = g.person(2008, 2018);
  const [divisionCode] = g.pick(COUNTIES);
  const [stage, stageLabel] = g.pick(STAGES);
  const enrolledOn = `${g.int(2016, 2025)}-09-01`;
  const school = `${g.pick(STREETS)}${stageLabel === '小学' ? '小学' : '中学'}`;
  if (!dirty) {
    return {
      student: { idNumber: student.idNumber, name: student.name },
      school: { name: school, divisionCode },
      stage,
      enrolledOn,
    };
  }
  return {
    学生姓名: student.dirtyName,
    学生身份证号: g.dirtyIdNumber(student.idNumber),
    就读学校: school,
    学校区划代码: divisionCode,
    学段: stageLabel,
    入学日期: g.dirtyDate(enrolledOn),
  };
};

const businessLicense: Build = (g, dirty) => {
  const operator = g.person();
  const place = g.place();
  const creditCode = g.creditCode(place.divisionCode);
  const name = `${place.detail.slice(0, 3)}${operator.name}小吃店`;
  const registeredOn = g.date(2012, 2024);
  if (!dirty) {
    return {
      creditCode,
      name,
      operator: { idNumber: operator.idNumber, name: operator.name },
      address: { divisionCode: place.divisionCode, detail: place.detail },
      registeredOn,
    };
  }
  return {
    统一社会信用代码: creditCode,
    名称: name,
    经营者姓名: operator.dirtyName,
    经营者身份证号: g.dirtyIdNumber(operator.idNumber),
    经营场所: place.text,
    成立日期: g.dirtyDate(registeredOn),
  };
};

const BUILDERS: Record<RecordKind, Build> = {
  'residence-registration': residenceRegistration,
  'residence-departure': residenceDeparture,
  'rental-property': rentalProperty,
  tenancy,
  employment,
  'social-insurance': socialInsurance,
  schooling,
  'business-license': businessLicense,
};

/** Top-level fields of any kind whose value can be broken in a generic way. */
const DATE_KEYS = /On$|日期$/;
const ID_KEYS = /idNumber|身份证|身份号码/;

/** Breaks one thing in a record: checksum, impossible or future date, unknown field, missing field, enum. */
function corrupt(g: Generator, data: Record<string, unknown>): Record<string, unknown> {
  const broken = structuredClone(data);
  const keys = Object.keys(broken);
  const dateKey = keys.find((key) => DATE_KEYS.test(key));
  const idHolder = findIdHolder(broken);
  switch (g.int(0, 4)) {
    case 0:
      if (idHolder !== undefined) {
        const [holder, key] = idHolder;
        const id = String(holder[key]);
        // Any other last character fails the check; compare after width folding (full-width １ is 1).
        holder[key] = id.slice(0, -1) + (id.normalize('NFKC').endsWith('1') ? '2' : '1');
        return broken;
      }
      break;
    case 1:
      if (dateKey !== undefined) {
        // Not a future date: planned dates (a lease's start) may lie ahead.
        broken[dateKey] = g.pick(['2017-02-30', '2016年13月1日', '2016/2/30', 'yesterday']);
        return broken;
      }
      break;
    case 2:
      broken.remark = '备注';
      return broken;
    case 3:
      delete broken[keys[0] as string];
      return broken;
  }
  broken[keys[keys.length - 1] as string] = { unexpected: true };
  return broken;
}

function findIdHolder(data: Record<string, unknown>): [Record<string, unknown>, string] | undefined {
  for (const [key, value] of Object.entries(data)) {
    if (ID_KEYS.test(key) && typeof value === 'string') return [data, key];
    if (typeof value === 'object' && value !== null) {
      const inner = value as Record<string, unknown>;
      if (typeof inner.idNumber === 'string') return [inner, 'idNumber'];
    }
  }
  return undefined;
}

/** N records `{ kind, data, valid }`, the same for the same options. */
export function generateCorpus(n: number, options: CorpusOptions = {}): CorpusRecord[] {
  const g = new Generator(options.seed ?? 20160828);
  const invalidRate = options.invalidRate ?? 0.05;
  const dirtyRate = options.dirtyRate ?? 0.4;
  const records: CorpusRecord[] = [];
  for (let i = 0; i < n; i++) {
    const kind = g.kind();
    const data = BUILDERS[kind](g, g.chance(dirtyRate));
    const valid = !g.chance(invalidRate);
    records.push({ kind, data: valid ? data : corrupt(g, data), valid });
  }
  return records;
}
