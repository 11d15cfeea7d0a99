// Character-level helpers shared by the value types. Hot path: no regex, no allocation when nothing changes.

const FULL_WIDTH_FIRST = 0xff01; // ！
const FULL_WIDTH_LAST = 0xff5e; // ～
const FULL_WIDTH_OFFSET = 0xfee0;
const IDEOGRAPHIC_SPACE = 0x3000;

export const isDigitCode = (code: number): boolean => code >= 48 && code <= 57;

/** Half-width code of a full-width ASCII character or the ideographic space; other codes unchanged. */
export function foldWidthCode(code: number): number {
  if (code >= FULL_WIDTH_FIRST && code <= FULL_WIDTH_LAST) return code - FULL_WIDTH_OFFSET;
  return code === IDEOGRAPHIC_SPACE ? 32 : code;
}

/**
 * True for whitespace (Unicode White_Space: tab to carriage return, space, U+0085, no-break and ideographic
 * spaces, the U+2000 spaces, line and paragraph separators), which normalisers treat as a space or as noise.
 */
export function isSpaceCode(code: number): boolean {
  if (code <= 0x20) return code === 32 || (code >= 9 && code <= 13);
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === IDEOGRAPHIC_SPACE
  );
}

/** True for hyphen and dash look-alikes (after width folding). */
export function isDashCode(code: number): boolean {
  return code === 45 || (code >= 0x2010 && code <= 0x2015) || code === 0x2212;
}

/**
 * True when NFKC leaves the string unchanged for certain: printable ASCII and CJK unified ideographs
 * (U+4E00–U+9FFF, which have no compatibility decompositions). Lets callers skip `normalize()`.
 */
export function isNfkcStable(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (!isPlainCode(value.charCodeAt(i))) return false;
  return true;
}

/** Printable ASCII or a common CJK unified ideograph: nothing for NFKC to change, nothing invisible. */
export const isPlainCode = (code: number): boolean =>
  (code >= 0x20 && code <= 0x7e) || (code >= 0x4e00 && code <= 0x9fff);

/** NFKC, skipped when the string is already stable. */
export const nfkc = (value: string): string => (isNfkcStable(value) ? value : value.normalize('NFKC'));

/** Full-width ASCII to half-width, ideographic space to space; returns the same string when nothing changes. */
export function foldWidth(value: string): string {
  let i = 0;
  for (; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (foldWidthCode(code) !== code) break;
  }
  if (i === value.length) return value;
  let out = value.slice(0, i);
  for (; i < value.length; i++) out += String.fromCharCode(foldWidthCode(value.charCodeAt(i)));
  return out;
}
