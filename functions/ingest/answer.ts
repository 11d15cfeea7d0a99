import { tooManyErrors } from '#schemas/errors.ts';
import type { RecordResult, SubmissionResult } from './submit.ts';

/**
 * Past this size an answer lists one error per rejected record and counts the rest (TOO_MANY_ERRORS).
 * Each record lists at most 25 errors anyway; one error of bounded size (echoes and path keys are cut)
 * keeps 500 records to a few KB each, far below the 6 MB a Lambda function may answer.
 */
export const MAX_ANSWER_BYTES = 1024 * 1024;

function firstErrorOnly(result: RecordResult): RecordResult {
  const [first, ...rest] = result.errors;
  if (first === undefined || rest.length === 0) return result;
  // A list that already ended with TOO_MANY_ERRORS stood for one error or more.
  const truncated = rest.at(-1)?.code === 'TOO_MANY_ERRORS';
  return { ...result, errors: [first, tooManyErrors(rest.length, truncated)] };
}

/** The JSON answer to a submission: every record's result, its errors summarised past MAX_ANSWER_BYTES. */
export function answerBody(result: SubmissionResult): string {
  const full = JSON.stringify(result);
  if (Buffer.byteLength(full, 'utf8') <= MAX_ANSWER_BYTES) return full;
  return JSON.stringify({ ...result, results: result.results.map(firstErrorOnly) });
}

/** True when a record met a store failure: a retry may fare better, so the answer must not be replayed. */
export const hasWriteFailures = (result: SubmissionResult): boolean =>
  result.results.some((r) => r.errors.some((error) => error.code === 'WRITE_FAILED'));
