import { z } from 'zod';
import { addValueIssue, type ErrorCode, echo } from '../errors.ts';
import { foldWidthCode, isDashCode, isSpaceCode } from './characters.ts';
import { acceptsRaw, CODE_MAX_RAW_LENGTH, withoutIgnorables } from './text.ts';

/** Unified social credit code (GB 32100-2015), 18 characters. */
export type CreditCode = string;

/** The code's alphabet: digits and capitals without I, O, S, V, Z; a character's value is its index. */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Value of each ASCII code in the alphabet, -1 when not in it. */
const VALUE_OF = new Int8Array(128).fill(-1);
for (let i = 0; i < CREDIT_CODE_ALPHABET.length; i++) VALUE_OF[CREDIT_CODE_ALPHABET.charCodeAt(i)] = i;

const valueAt = (s: string, i: number): number => {
  const code = s.charCodeAt(i);
  return code < 128 ? (VALUE_OF[code] ?? -1) : -1;
};

function checkValue(code: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += valueAt(code, i) * (WEIGHTS[i] ?? 0);
  return (31 - (sum % 31)) % 31;
}

function inAlphabet(s: string, length: number): boolean {
  for (let i = 0; i < length; i++) if (valueAt(s, i) < 0) return false;
  return true;
}

/** The GB 32100 check character for the first 17 characters. */
export function creditCodeCheckCharacter(first17: string): string {
  if (first17.length !== 17 || !inAlphabet(first17, 17)) {
    throw new RangeError('creditCodeCheckCharacter expects 17 characters of the credit-code alphabet');
  }
  return CREDIT_CODE_ALPHABET.charAt(checkValue(first17));
}

/** Invisible characters removed, width folded, upper-cased, spaces and hyphens dropped; `raw` when compact. */
function compactCreditCode(raw: string): string {
  if (raw.length === 18 && inAlphabet(raw, 18)) return raw;
  const text = withoutIgnorables(raw);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    let code = foldWidthCode(text.charCodeAt(i));
    if (isSpaceCode(code) || isDashCode(code)) continue;
    if (code >= 97 && code <= 122) code -= 32;
    out += String.fromCharCode(code);
  }
  return out;
}

export type CreditCodeParse =
  | { ok: true; value: CreditCode }
  | { ok: false; code: ErrorCode; compact: string };

export function parseCreditCode(raw: string): CreditCodeParse {
  const code = compactCreditCode(raw);
  if (code.length !== 18 || !inAlphabet(code, 18))
    return { ok: false, code: 'CREDIT_CODE_FORMAT', compact: code };
  if (CREDIT_CODE_ALPHABET.charCodeAt(checkValue(code)) !== code.charCodeAt(17)) {
    return { ok: false, code: 'CREDIT_CODE_CHECKSUM', compact: code };
  }
  return { ok: true, value: code };
}

/** Unified social credit code: string in, normalised 18 characters out. Organisation codes are not personal. */
export const creditCode = z.string().transform((raw, ctx): CreditCode => {
  if (!acceptsRaw(raw, CODE_MAX_RAW_LENGTH, ctx)) return z.NEVER;
  const parsed = parseCreditCode(raw);
  if (parsed.ok) return parsed.value;
  addValueIssue(ctx, parsed.code, { received: echo(parsed.compact, 24) });
  return z.NEVER;
});
creditCode.register(z.globalRegistry, {
  description:
    'Unified social credit code (GB 32100): 18 characters of 0-9 and A-Y without I, O, S, V, Z, the last a ' +
    'check character. 统一社会信用代码：18位（不含I、O、S、V、Z），末位为校验码。',
});
