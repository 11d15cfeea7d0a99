import { z } from 'zod';
import { addValueIssue, type ErrorCode, maskIdNumber } from '../errors.ts';
import { foldWidthCode, isDashCode, isDigitCode, isSpaceCode } from './characters.ts';
import { formatDate, isRealDate, todayNumber } from './date.ts';
import { acceptsRaw, CODE_MAX_RAW_LENGTH, withoutIgnorables } from './text.ts';

/** Resident ID number (GB 11643-1999): 6-digit address code, birth date YYYYMMDD, 3-digit sequence, check. */
export type IdNumber = string;

/** Weights of positions 1–17 (2^(18-i) mod 11). */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';
const X = 88;

/** Province-level codes an ID number may start with (incl. Taiwan 71, Hong Kong 81, Macao 82). */
export const ID_PROVINCE_CODES = [
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61,
  62, 63, 64, 65, 71, 81, 82,
] as const;
const IS_PROVINCE = new Uint8Array(100);
for (const code of ID_PROVINCE_CODES) IS_PROVINCE[code] = 1;

const digitAt = (s: string, i: number): number => s.charCodeAt(i) - 48;

function allDigits(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isDigitCode(s.charCodeAt(i))) return false;
  return true;
}

/** The GB 11643 check character for the first 17 digits. */
export function checkCharacter(first17: string): string {
  if (first17.length !== 17 || !allDigits(first17, 0, 17)) {
    throw new RangeError('checkCharacter expects exactly 17 digits');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += digitAt(first17, i) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARACTERS.charAt(sum % 11);
}

/** Upgrades a legacy 15-digit number (YYMMDD birth date) to 18: insert `19` before YY, append the check. */
export function upgradeLegacyIdNumber(id15: string): IdNumber {
  if (id15.length !== 15 || !allDigits(id15, 0, 15)) {
    throw new RangeError('upgradeLegacyIdNumber expects exactly 15 digits');
  }
  const first17 = `${id15.slice(0, 6)}19${id15.slice(6)}`;
  return first17 + checkCharacter(first17);
}

/**
 * Invisible characters removed, width folded, spaces and hyphens dropped, `x` upper-cased. Returns `raw`
 * itself when already compact.
 */
function compactIdNumber(raw: string): string {
  let clean = true;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (!isDigitCode(code) && code !== X) {
      clean = false;
      break;
    }
  }
  if (clean) return raw;
  const text = withoutIgnorables(raw);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = foldWidthCode(text.charCodeAt(i));
    if (isSpaceCode(code) || isDashCode(code)) continue;
    out += code === 120 ? 'X' : String.fromCharCode(code);
  }
  return out;
}

export type IdNumberParse = { ok: true; value: IdNumber } | { ok: false; code: ErrorCode; masked: string };

const failure = (code: ErrorCode, compact: string): IdNumberParse => ({
  ok: false,
  code,
  masked: maskIdNumber(compact),
});

/**
 * Normalises and validates a resident ID number: full-width to half-width, spaces and hyphens removed,
 * `x` to `X`, 15 digits upgraded to 18; then format, province, birth date (real, not in the future)
 * and the GB 11643 check character.
 */
export function parseIdNumber(raw: string): IdNumberParse {
  let id = compactIdNumber(raw);
  if (id.length === 15 && allDigits(id, 0, 15)) id = upgradeLegacyIdNumber(id);
  if (id.length !== 18 || !allDigits(id, 0, 17)) return failure('ID_NUMBER_FORMAT', id);
  const last = id.charCodeAt(17);
  if (!isDigitCode(last) && last !== X) return failure('ID_NUMBER_FORMAT', id);
  if (IS_PROVINCE[digitAt(id, 0) * 10 + digitAt(id, 1)] !== 1) return failure('ID_NUMBER_FORMAT', id);

  const year = digitAt(id, 6) * 1000 + digitAt(id, 7) * 100 + digitAt(id, 8) * 10 + digitAt(id, 9);
  const month = digitAt(id, 10) * 10 + digitAt(id, 11);
  const day = digitAt(id, 12) * 10 + digitAt(id, 13);
  if (!isRealDate(year, month, day) || year * 10000 + month * 100 + day > todayNumber()) {
    return failure('ID_NUMBER_BIRTHDATE', id);
  }

  let sum = 0;
  for (let i = 0; i < 17; i++) sum += digitAt(id, i) * (WEIGHTS[i] ?? 0);
  if (CHECK_CHARACTERS.charCodeAt(sum % 11) !== last) return failure('ID_NUMBER_CHECKSUM', id);
  return { ok: true, value: id };
}

/** Resident ID number: string in, normalised 18-character number out. */
export const idNumber = z.string().transform((raw, ctx): IdNumber => {
  if (!acceptsRaw(raw, CODE_MAX_RAW_LENGTH, ctx)) return z.NEVER;
  const parsed = parseIdNumber(raw);
  if (parsed.ok) return parsed.value;
  addValueIssue(ctx, parsed.code, { received: parsed.masked });
  return z.NEVER;
});
idNumber.register(z.globalRegistry, {
  description:
    'Resident ID number (GB 11643): 18 characters, the last a check digit or X; a 15-digit legacy number, ' +
    'full-width digits, lowercase x, spaces and hyphens are accepted. ' +
    '公民身份号码：18位（末位为校验码或X），兼容15位旧号码、全角数字、小写x、空格与连字符。',
});

export interface IdNumberFacts {
  birthDate: string;
  gender: 'male' | 'female';
}

/** Birth date and gender (odd sequence = male) of a normalised, valid 18-character ID number. */
export function idNumberFacts(id: IdNumber): IdNumberFacts {
  const year = digitAt(id, 6) * 1000 + digitAt(id, 7) * 100 + digitAt(id, 8) * 10 + digitAt(id, 9);
  const month = digitAt(id, 10) * 10 + digitAt(id, 11);
  const day = digitAt(id, 12) * 10 + digitAt(id, 13);
  return { birthDate: formatDate(year, month, day), gender: digitAt(id, 16) % 2 === 1 ? 'male' : 'female' };
}
