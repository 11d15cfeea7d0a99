// Hostile text for the robustness suites: the alphabets an adversarial probe used (invisible, bidi, control,
// lone surrogates, full-width, odd whitespace, replacement and noncharacters) and very long runs.
import fc from 'fast-check';

/** Characters that change no visible letter: zero-width, soft hyphen, BOM, joiners, variation selectors, tags. */
export const INVISIBLE = [
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u00ad',
  '\u034f',
  '\u180e',
  '\ufe0f',
  '\u{e0001}',
  '\u{e0041}',
];
/** Bidirectional marks, embeddings, overrides and isolates. */
export const BIDI = [
  '\u200e',
  '\u200f',
  '\u061c',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
];
/** Controls, the whitespace ones included. */
export const CONTROL = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009f',
  '\t',
  '\n',
  '\r',
];
export const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff'];
export const WHITESPACE = [
  ' ',
  '\u00a0',
  '\u1680',
  '\u2003',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
];
/** U+FFFD (text lost in a wrong encoding) and noncharacters. */
export const LOST = ['\ufffd', '\ufffe', '\uffff', '\ufdd0', '\u{10ffff}'];
export const FULL_WIDTH = ['１', '３', '０', 'Ｘ', 'ｘ', '－', '．', '（', '＋', 'Ａ', '　'];
/** What real values are made of: Han, digits, the address and name notation, look-alike dots. */
export const PLAIN = [
  '张',
  '伟',
  '路',
  '号',
  '幢',
  '栋',
  '号楼',
  '单元',
  '室',
  '3',
  '0',
  '1',
  '8',
  '-',
  '·',
  '•',
  'a',
  'X',
];

export const HOSTILE_CHARACTERS = [
  ...INVISIBLE,
  ...BIDI,
  ...CONTROL,
  ...LONE_SURROGATES,
  ...WHITESPACE,
  ...LOST,
  ...FULL_WIDTH,
  ...PLAIN,
];

/** True when the text holds a character the hub never stores: controls (not whitespace), lone surrogates, U+FFFD. */
export const holdsRefusedCharacter = (text: string): boolean =>
  /[[\p{Cc}--\p{White_Space}]\p{Cs}\p{Noncharacter_Code_Point}\uFFFD]/v.test(text);

/** True when the text holds an invisible (default-ignorable or format) character. */
export const holdsInvisibleCharacter = (text: string): boolean =>
  /[\p{Default_Ignorable_Code_Point}\p{Cf}]/u.test(text);

/** A short text of hostile characters mixed with plain ones. */
export const hostileText = fc
  .array(fc.constantFrom(...HOSTILE_CHARACTERS), { maxLength: 40 })
  .map((parts) => parts.join(''));

/** A very long run of one piece: `张 ` × 250,000 is the probe's 1 MB name. */
export const longRun = fc
  .tuple(
    fc.constantFrom('张 ', 'a ', '1', '\u200b', '3-', '·', ' ', '\ud800', '::', '*'),
    fc.integer({ min: 1_000, max: 300_000 }),
  )
  .map(([piece, times]) => piece.repeat(times));

/** Any hostile string: short mixes, long runs, arbitrary UTF-16 (lone surrogates included). */
export const hostileString = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  { weight: 1, arbitrary: longRun },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
);

/** The value with invisible and bidi characters slipped in at some positions (code-point boundaries). */
export function withInvisibles(value: string): fc.Arbitrary<string> {
  const chars = Array.from(value);
  return fc
    .array(fc.tuple(fc.nat({ max: chars.length }), fc.constantFrom(...INVISIBLE, ...BIDI)), {
      minLength: 1,
      maxLength: 4,
    })
    .map((insertions) => {
      const out = [...chars];
      for (const [at, char] of [...insertions].sort((a, b) => b[0] - a[0])) out.splice(at, 0, char);
      return out.join('');
    });
}

/** A digit run of 9 or more digits, whatever separators or invisible characters sit between the digits. */
const LONG_NUMBER = /\d(?:[\s\-./()+\u00ad\u200b-\u200f\u2060\ufeff]*\d){8}/u;

/** True when the text shows a number long enough to be a phone or ID number (full-width digits folded). */
export const showsLongNumber = (text: string): boolean => LONG_NUMBER.test(text.normalize('NFKC'));

// ---- hostile values inside records -----------------------------------------------------------------------

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The paths of the string leaves of a JSON value. */
export function stringLeaves(value: Json, at: string[] = []): string[][] {
  if (typeof value === 'string') return [at];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => stringLeaves(inner, [...at, key]));
}

/** A copy of `value` with the leaf at `path` replaced (a list stays a list). */
export function setAt(value: Json, path: readonly string[], leaf: Json): Json {
  const [head, ...rest] = path;
  if (head === undefined) return leaf;
  if (Array.isArray(value))
    return value.map((item, index) => (String(index) === head ? setAt(item, rest, leaf) : item));
  const object = value as Record<string, Json>;
  return { ...object, [head]: setAt(object[head] as Json, rest, leaf) };
}

export function valueAt(value: Json, path: readonly string[]): Json {
  return path.reduce<Json>((inner, key) => (inner as Record<string, Json>)[key] as Json, value);
}

/** The data with one of its string fields replaced by a value of `replacement`. */
export function withOneFieldReplaced(data: Json, replacement: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
  return fc
    .tuple(fc.constantFrom(...stringLeaves(data)), replacement)
    .map(([path, value]) => setAt(data, path, value));
}
