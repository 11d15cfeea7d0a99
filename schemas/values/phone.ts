import { z } from 'zod';
import { addValueIssue, maskPhone } from '../errors.ts';
import { foldWidthCode, isDashCode, isDigitCode, isSpaceCode } from './characters.ts';
import { acceptsRaw, CODE_MAX_RAW_LENGTH, withoutIgnorables } from './text.ts';

/** Mainland mobile number, 11 digits `1[3-9]\d{9}`. */
export type MobilePhone = string;

const PLUS = 43;
const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;

const isMobile = (digits: string): boolean =>
  digits.length === 11 &&
  digits.charCodeAt(0) === 49 &&
  digits.charCodeAt(1) >= 51 &&
  digits.charCodeAt(1) <= 57 &&
  isAllDigits(digits);

function isAllDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isDigitCode(s.charCodeAt(i))) return false;
  return true;
}

export type PhoneParse = { ok: true; value: MobilePhone } | { ok: false; masked: string };

/**
 * Normalises a mobile number written with `+86`, `0086` or `86 `, spaces, hyphens, brackets and full-width
 * characters (invisible ones removed) to its 11 digits.
 */
export function parseMobilePhone(raw: string): PhoneParse {
  if (isMobile(raw)) return { ok: true, value: raw };
  const text = withoutIgnorables(raw);
  let digits = '';
  let plus = false;
  let other = false;
  for (let i = 0; i < text.length; i++) {
    const code = foldWidthCode(text.charCodeAt(i));
    if (isDigitCode(code)) digits += String.fromCharCode(code);
    else if (code === PLUS && digits.length === 0 && !plus) plus = true;
    else if (!isSpaceCode(code) && !isDashCode(code) && code !== OPEN_PAREN && code !== CLOSE_PAREN)
      other = true;
  }
  // The country code: +86, 0086, or 86 followed by the 11 digits.
  let national = digits;
  if (plus) national = digits.startsWith('86') ? digits.slice(2) : '';
  else if (digits.length === 15 && digits.startsWith('0086')) national = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) national = digits.slice(2);
  if (!other && isMobile(national)) return { ok: true, value: national };
  return { ok: false, masked: maskPhone(digits.length > 0 ? digits : raw) };
}

/** Mobile number: string (or number) in, 11 digits out; PHONE_FORMAT otherwise. */
export const mobilePhone = z.union([z.string(), z.number()]).transform((raw, ctx): MobilePhone => {
  if (typeof raw === 'string' && !acceptsRaw(raw, CODE_MAX_RAW_LENGTH, ctx)) return z.NEVER;
  const parsed = parseMobilePhone(typeof raw === 'number' ? String(raw) : raw);
  if (parsed.ok) return parsed.value;
  addValueIssue(ctx, 'PHONE_FORMAT', { received: parsed.masked });
  return z.NEVER;
});
mobilePhone.register(z.globalRegistry, {
  description:
    'Mainland mobile number, 11 digits starting 13–19; +86 or 0086, spaces and hyphens accepted. ' +
    '手机号码：以13至19开头的11位数字，可带+86或0086、空格与连字符。',
});
