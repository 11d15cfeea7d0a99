import { z } from 'zod';
import { addValueIssue } from '../errors.ts';
import { isDashCode, isSpaceCode, nfkc } from './characters.ts';

/** The part of an address below the division: street, number, building, unit, room. */
export type AddressDetail = string;

export const ADDRESS_DETAIL_MAX_LENGTH = 200;

/**
 * Building-unit-room written with dashes, `3-2-301` (optionally followed by 室 or 号), standing alone:
 * not part of a longer dash or digit run, also across spaces.
 */
const DASHES = '\\-\\u2010-\\u2015\\u2212';
const BUILDING_UNIT_ROOM = new RegExp(
  `(?<![\\d${DASHES}]\\s*)(\\d{1,4})\\s*[${DASHES}]\\s*(\\d{1,3})\\s*[${DASHES}]\\s*(\\d{1,5})(?:室|号)?(?!\\s*[\\d${DASHES}])`,
  'g',
);

function hasDash(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isDashCode(text.charCodeAt(i))) return true;
  return false;
}

const isAsciiAlphanumeric = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

/** Drops whitespace, keeping one space only between two ASCII letters or digits (`Building A 3`). */
function normaliseSpaces(text: string): string {
  let hasSpace = false;
  for (let i = 0; i < text.length; i++) {
    if (isSpaceCode(text.charCodeAt(i))) {
      hasSpace = true;
      break;
    }
  }
  if (!hasSpace) return text;
  let out = '';
  let pendingSpace = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isSpaceCode(code)) {
      pendingSpace = out.length > 0;
      continue;
    }
    if (pendingSpace && isAsciiAlphanumeric(out.charCodeAt(out.length - 1)) && isAsciiAlphanumeric(code))
      out += ' ';
    pendingSpace = false;
    out += text[i];
  }
  return out;
}

/** NFKC, `3-2-301` -> `3幢2单元301室`, whitespace dropped (except between ASCII words), trimmed. */
export function normaliseAddressDetail(raw: string): AddressDetail {
  let text = nfkc(raw);
  if (hasDash(text)) text = text.replace(BUILDING_UNIT_ROOM, '$1幢$2单元$3室');
  const spaced = normaliseSpaces(text);
  // Dropping a space can bring a combining mark next to a letter: compose again so the result is stable.
  return spaced === text ? spaced : nfkc(spaced);
}

/** Address detail; ADDRESS_FORMAT when empty or longer than 200 characters. Never echoed (personal data). */
export const addressDetail = z.string().transform((raw, ctx): AddressDetail => {
  const detail = normaliseAddressDetail(raw);
  if (detail.length > 0 && detail.length <= ADDRESS_DETAIL_MAX_LENGTH) return detail;
  addValueIssue(ctx, 'ADDRESS_FORMAT');
  return z.NEVER;
});
