import { z } from 'zod';
import { addValueIssue } from '../errors.ts';
import { nfkc } from './characters.ts';
import { acceptsRaw, canonicalText, RAW_LENGTH_FACTOR } from './text.ts';

/** A person's name: canonical text (../values/text.ts), middle-dot look-alikes unified to U+00B7. */
export type PersonName = string;

export const NAME_MAX_LENGTH = 50;
export const MIDDLE_DOT = '\u00b7';

/**
 * Look-alikes of the middle dot joining the parts of minority and transliterated names (after NFKC):
 * • U+2022, ・ U+30FB (also from ･ U+FF65), ‧ U+2027, '.' (also from ． U+FF0E), ∙ U+2219, ⋅ U+22C5,
 * ⸱ U+2E31, ･ U+FF65, and · U+00B7 itself. A black circle ● is not a dot and stays invalid.
 */
const DOT_CODES = new Set([0x00b7, 0x2022, 0x30fb, 0x2027, 0x002e, 0x2219, 0x22c5, 0x2e31, 0xff65]);

/** Letters (any script), combining marks, single spaces and single middle dots. */
const NAME_CHARACTERS = /^[\p{L}\p{M}\u00b7 ]+$/u;

const isCommonHan = (code: number): boolean => code >= 0x4e00 && code <= 0x9fff;

function isPlainHan(value: string): boolean {
  if (value.length === 0 || value.length > NAME_MAX_LENGTH) return false;
  for (let i = 0; i < value.length; i++) if (!isCommonHan(value.charCodeAt(i))) return false;
  return true;
}

/**
 * The canonical text (invisible characters removed, NFKC, single spaces, trimmed), middle dots unified and
 * spaces around them dropped. One pass over the canonical text; the output is never read back while built.
 */
export function normalisePersonName(raw: string): string {
  if (isPlainHan(raw)) return raw;
  const text = canonicalText(raw);
  let out = '';
  let afterDot = false;
  let pendingSpace = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 32) {
      pendingSpace = true;
      continue;
    }
    if (DOT_CODES.has(code)) {
      out += MIDDLE_DOT;
      afterDot = true;
    } else {
      if (pendingSpace && !afterDot) out += ' ';
      out += text[i];
      afterDot = false;
    }
    pendingSpace = false;
  }
  // Dropping a space can bring a combining mark next to a letter: compose again so the result is stable.
  return out === text ? out : nfkc(out);
}

/** True when a normalised name is well formed (see NAME_FORMAT). */
export function isValidPersonName(name: string): boolean {
  if (isPlainHan(name)) return true;
  const length = [...name].length;
  if (length === 0 || length > NAME_MAX_LENGTH) return false;
  if (name.startsWith(MIDDLE_DOT) || name.endsWith(MIDDLE_DOT) || name.includes(MIDDLE_DOT + MIDDLE_DOT)) {
    return false;
  }
  return NAME_CHARACTERS.test(name);
}

/** The longest name accepted as sent, before normalisation (spaces, full-width forms): TOO_LONG beyond. */
export const NAME_MAX_RAW_LENGTH = NAME_MAX_LENGTH * RAW_LENGTH_FACTOR;

/** A person's name; NAME_FORMAT when empty, over 50 characters, with digits or symbols, or badly placed dots. */
export const personName = z.string().transform((raw, ctx): PersonName => {
  if (!acceptsRaw(raw, NAME_MAX_RAW_LENGTH, ctx)) return z.NEVER;
  const name = normalisePersonName(raw);
  if (isValidPersonName(name)) return name;
  // Names are personal data: the message never echoes them.
  addValueIssue(ctx, 'NAME_FORMAT');
  return z.NEVER;
});
personName.register(z.globalRegistry, {
  description:
    "A person's name: Chinese characters (a minority name's middle dot in any look-alike form) or Latin " +
    'letters; spaces are dropped. 姓名：汉字（少数民族姓名的间隔点可用各种写法）或拉丁字母，空格忽略。',
});
