import { z } from 'zod';
import { addValueIssue } from '../errors.ts';
import { foldWidthCode, isDashCode, isSpaceCode } from './characters.ts';
import { acceptsRaw, CODE_MAX_RAW_LENGTH, withoutIgnorables } from './text.ts';

/** A residence permit's or a card's number: 6–32 digits and capital letters. An identifier of a person. */
export type DocumentNumber = string;

export const DOCUMENT_NUMBER_MIN_LENGTH = 6;
export const DOCUMENT_NUMBER_MAX_LENGTH = 32;

const isDigitOrCapital = (code: number): boolean => (code >= 48 && code <= 57) || (code >= 65 && code <= 90);

/**
 * The compact form: width folded, upper-cased, spaces and hyphens dropped (`ｚｊ 3301-0012 3456` →
 * `ZJ330100123456`); undefined when another character is left or the length is wrong.
 */
export function parseDocumentNumber(raw: string): DocumentNumber | undefined {
  const visible = withoutIgnorables(raw);
  let out = '';
  for (let i = 0; i < visible.length && out.length <= DOCUMENT_NUMBER_MAX_LENGTH; i++) {
    let code = foldWidthCode(visible.charCodeAt(i));
    if (isSpaceCode(code) || isDashCode(code)) continue;
    if (code >= 97 && code <= 122) code -= 32;
    if (!isDigitOrCapital(code)) return undefined;
    out += String.fromCharCode(code);
  }
  const fits = out.length >= DOCUMENT_NUMBER_MIN_LENGTH && out.length <= DOCUMENT_NUMBER_MAX_LENGTH;
  return fits ? out : undefined;
}

/**
 * A document number in any of its written forms (invisible characters dropped); TOO_LONG or CHARACTER_INVALID
 * before anything else, DOCUMENT_NUMBER_FORMAT (never echoing it) otherwise.
 */
export const documentNumber = z.union([z.string(), z.number()]).transform((raw, ctx): DocumentNumber => {
  const text = String(raw);
  if (!acceptsRaw(text, CODE_MAX_RAW_LENGTH, ctx)) return z.NEVER;
  const parsed = parseDocumentNumber(text);
  if (parsed !== undefined) return parsed;
  addValueIssue(ctx, 'DOCUMENT_NUMBER_FORMAT');
  return z.NEVER;
});
