import { z } from 'zod';
import { addValueIssue } from '../errors.ts';
import { isPlainCode } from './characters.ts';

// The canonical text form every value type builds on, and the checks on raw input that run before any
// normalisation. Whatever is compared or keyed (names, addresses, organisation names, labels, codes) goes
// through here, so two texts that look the same are the same.

/** Refused: control characters other than whitespace, unpaired surrogates, noncharacters, U+FFFD (lost text). */
const REFUSED = /[[\p{Cc}--\p{White_Space}]\p{Cs}\p{Noncharacter_Code_Point}\uFFFD]/v;

/**
 * Removed: invisible characters — zero-width spaces and joiners, bidirectional marks, embeddings, overrides
 * and isolates, soft hyphen, byte-order mark, variation selectors, tags (Default_Ignorable_Code_Point and
 * format characters). They change no visible letter, so they must not make two texts differ.
 */
const IGNORABLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;
const HAS_IGNORABLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/u;

const WHITESPACE_RUN = /\p{White_Space}+/gu;

/** True when the text holds a character no value may hold (see REFUSED): one native scan, no allocation. */
export const hasRefusedCharacter = (value: string): boolean => REFUSED.test(value);

/** The text without invisible characters (see IGNORABLE); the same string when it has none. */
export const withoutIgnorables = (value: string): string =>
  HAS_IGNORABLE.test(value) ? value.replace(IGNORABLE, '') : value;

const BLANK = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}\p{Cf}]*$/u;

/** True for text of nothing but whitespace and invisible characters (stops at the first visible one). */
export const isBlankText = (value: string): boolean => BLANK.test(value);

/** Already canonical for certain: plain characters, single inner spaces, none at either end. */
function isPlainCanonical(value: string): boolean {
  let previous = 32;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (!isPlainCode(code) || (code === 32 && previous === 32)) return false;
    previous = code;
  }
  return previous !== 32 || value.length === 0;
}

/**
 * The canonical text form: invisible characters removed, NFKC (full-width letters, digits and spaces folded,
 * compatibility forms decomposed), every whitespace run one space, trimmed. Linear in the input; callers cap
 * the input first ({@link acceptsRaw}).
 */
export function canonicalText(raw: string): string {
  if (isPlainCanonical(raw)) return raw;
  return withoutIgnorables(raw).normalize('NFKC').replace(WHITESPACE_RUN, ' ').trim();
}

/**
 * The checks on a raw string before any normalisation: at most `maxLength` UTF-16 code units (TOO_LONG),
 * no refused character (CHARACTER_INVALID). False, with the issue added, when it fails.
 */
export function acceptsRaw(raw: string, maxLength: number, ctx: z.core.$RefinementCtx): boolean {
  if (raw.length > maxLength) {
    addValueIssue(ctx, 'TOO_LONG', { accepted: `at most ${maxLength} characters as sent` });
    return false;
  }
  if (hasRefusedCharacter(raw)) {
    addValueIssue(ctx, 'CHARACTER_INVALID');
    return false;
  }
  return true;
}

/** How much longer than its canonical limit a text may be as sent (spaces, full-width forms, prefixes). */
export const RAW_LENGTH_FACTOR = 4;

/** The raw cap of codes (ID numbers, phones, credit codes, dates, division codes, enumeration labels). */
export const CODE_MAX_RAW_LENGTH = 64;

/** Free text (organisation names, occupations): canonical text of 1..max characters; raw cap 4 × max. */
export function freeText(maxLength: number) {
  return z.string().transform((raw, ctx) => {
    if (!acceptsRaw(raw, maxLength * RAW_LENGTH_FACTOR, ctx)) return z.NEVER;
    const value = canonicalText(raw);
    if (value.length > 0 && value.length <= maxLength) return value;
    addValueIssue(ctx, 'VALUE_OUT_OF_RANGE', { accepted: `1–${maxLength} characters` });
    return z.NEVER;
  });
}
