import { z } from 'zod';
import { addValueIssue } from '../errors.ts';
import { isDashCode, nfkc } from './characters.ts';
import { acceptsRaw, canonicalText, RAW_LENGTH_FACTOR } from './text.ts';

/** The part of an address below the division: street, number, building, unit, room. */
export type AddressDetail = string;

export const ADDRESS_DETAIL_MAX_LENGTH = 200;

/** The longest address accepted as sent (spaces, full-width forms, a province-city-county prefix). */
export const ADDRESS_MAX_RAW_LENGTH = ADDRESS_DETAIL_MAX_LENGTH * RAW_LENGTH_FACTOR;

/**
 * Building-unit-room written with dashes, `3-2-301` (optionally followed by 室 or 号), standing alone: not
 * part of a longer dash or digit run. Bounded repetitions only, so matching is linear.
 */
const BUILDING_UNIT_ROOM = /(?<![\d-])(\d{1,4})-(\d{1,3})-(\d{1,5})(?:室|号)?(?![\d-])/g;

/** A number with its part: building (幢, 栋, 号楼), unit (单元) or room (室). */
const NUMBERED_PART = /(?<!\d)(\d+)(幢|栋|号楼|单元|室)/g;

/** What NUMBERED_PART would change: another building word, or a number with a leading zero. */
const OTHER_NOTATION = /栋|号楼|(?<!\d)0\d/;

const BUILDING = '幢';

const withoutLeadingZeros = (digits: string): string =>
  digits.charCodeAt(0) === 48 ? digits.replace(/^0+(?=\d)/, '') : digits;

const isAsciiAlphanumeric = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

function needsCompacting(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 32 || (code !== 45 && isDashCode(code))) return true;
  }
  return false;
}

/**
 * Dash look-alikes become `-`; a space stays only between two ASCII letters or digits (`Building A 3`).
 * Reads the canonical text only: one pass, the output is never read back while built.
 */
function compactSpacesAndDashes(text: string): string {
  if (!needsCompacting(text)) return text;
  let out = '';
  let previous = 0;
  let pendingSpace = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 32) {
      pendingSpace = true;
      continue;
    }
    if (pendingSpace && isAsciiAlphanumeric(previous) && isAsciiAlphanumeric(code)) out += ' ';
    pendingSpace = false;
    out += isDashCode(code) ? '-' : text[i];
    previous = code;
  }
  return out;
}

/** Spaces and dashes compacted; dropping a space can bring a combining mark next to a letter, so compose again. */
function compacted(text: string): string {
  const compact = compactSpacesAndDashes(text);
  return compact === text ? text : nfkc(compact);
}

/**
 * The one canonical form of an address detail, used wherever addresses are compared or keyed (the natural
 * keys of rental properties and tenancies, a landlord's ownership): the canonical text (invisible
 * characters removed, NFKC), spaces dropped except between ASCII words, dashes unified, and one notation for
 * building, unit and room — `3-2-301`, `3栋2单元301室`, `3号楼2单元301室` and `03-02-0301` are all
 * `3幢2单元301室`.
 */
export function normaliseAddressDetail(raw: string): AddressDetail {
  const composed = compacted(canonicalText(raw));
  // Most addresses need neither replacement: each runs only when its pattern can match. A space kept between
  // two digits ("2-1-1 301") stands beside 室 once the dashes are words, so it is compacted again.
  const dashed = composed.includes('-')
    ? compacted(
        composed.replace(
          BUILDING_UNIT_ROOM,
          (_, building: string, unit: string, room: string) =>
            `${withoutLeadingZeros(building)}幢${withoutLeadingZeros(unit)}单元${withoutLeadingZeros(room)}室`,
        ),
      )
    : composed;
  if (!OTHER_NOTATION.test(dashed)) return dashed;
  return dashed.replace(
    NUMBERED_PART,
    (_, digits: string, part: string) =>
      withoutLeadingZeros(digits) + (part === '栋' || part === '号楼' ? BUILDING : part),
  );
}

/**
 * Address detail; TOO_LONG over 800 characters as sent, ADDRESS_FORMAT when empty or longer than 200
 * characters once normalised. Never echoed (personal data).
 */
export const addressDetail = z.string().transform((raw, ctx): AddressDetail => {
  if (!acceptsRaw(raw, ADDRESS_MAX_RAW_LENGTH, ctx)) return z.NEVER;
  const detail = normaliseAddressDetail(raw);
  if (detail.length > 0 && detail.length <= ADDRESS_DETAIL_MAX_LENGTH) return detail;
  addValueIssue(ctx, 'ADDRESS_FORMAT');
  return z.NEVER;
});
addressDetail.register(z.globalRegistry, {
  description:
    'The address below the division: street, number, building-unit-room (3幢2单元301室 or 3-2-301); a ' +
    'leading province, city or county name is taken as the division. 详细地址（区划以下）：街道门牌、幢单元室。',
});
