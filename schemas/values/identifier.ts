import { z } from 'zod';
import { addValueIssue, type ErrorCode } from '../errors.ts';
import { parseIdNumber } from './id-number.ts';
import { parseMobilePhone } from './phone.ts';
import { canonicalText, hasRefusedCharacter, withoutIgnorables } from './text.ts';

/**
 * What is wrong with an identifier someone else chose (a record's sourceId, a token's submitter id), if
 * anything. It is stored and shown exactly as sent, so it must be 1..max visible characters: TOO_LONG,
 * VALUE_OUT_OF_RANGE when empty or blank, CHARACTER_INVALID for refused or invisible characters (an
 * invisible character would make two ids that look the same differ).
 */
export function identifierProblem(raw: string, maxLength: number): ErrorCode | undefined {
  if (raw.length > maxLength) return 'TOO_LONG';
  if (raw.trim() === '') return 'VALUE_OUT_OF_RANGE';
  if (hasRefusedCharacter(raw) || withoutIgnorables(raw) !== raw) return 'CHARACTER_INVALID';
  return undefined;
}

/**
 * An identifier of 1..max visible characters, kept exactly as sent (see identifierProblem). A refinement,
 * not a transform, so its JSON Schema is a plain string with its lengths.
 */
export function identifier(maxLength: number) {
  return z
    .string()
    .superRefine((raw, ctx) => {
      const problem = identifierProblem(raw, maxLength);
      if (problem !== undefined)
        addValueIssue(
          ctx,
          problem,
          problem === 'CHARACTER_INVALID' ? undefined : { accepted: `1–${maxLength} characters` },
        );
    })
    .meta({ minLength: 1, maxLength });
}

/**
 * Digits (after the canonical text has folded full-width forms and dropped invisible characters) with the
 * spaces and hyphens people write inside numbers, and a final X (an ID number's check character).
 */
const DIGIT_RUN = /\d(?:[ -]*\d)*(?:[ -]*[Xx])?/g;

const ID_LENGTH = 18;
const LEGACY_ID_LENGTH = 15;

function holdsIdNumber(run: string): boolean {
  for (const length of [ID_LENGTH, LEGACY_ID_LENGTH]) {
    for (let start = 0; start + length <= run.length; start++) {
      if (parseIdNumber(run.slice(start, start + length)).ok) return true;
    }
  }
  return false;
}

/**
 * True when the text holds a resident ID number (18 characters, or a legacy 15, anywhere in a run of
 * digits) or is a mainland mobile number on its own, in any disguise: full-width digits, invisible
 * characters, spaces or hyphens inside, a prefix such as `ID:`. Linear: a run is checked at each start.
 */
export function containsPersonalNumber(text: string): boolean {
  for (const [match] of canonicalText(text).matchAll(DIGIT_RUN)) {
    const run = match.replace(/[ -]/g, '').toUpperCase();
    if (holdsIdNumber(run) || parseMobilePhone(run).ok) return true;
  }
  return false;
}
