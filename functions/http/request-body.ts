import type { z } from 'zod';
import { ProblemError } from '#api/problems.ts';
import { toFieldErrors } from '#schemas/errors.ts';
import type { HubRequestEvent } from './submitter.ts';

/**
 * The JSON body of a request (the text bodyCharset decoded) checked against `schema`: 415 not JSON, 400
 * malformed or invalid (all errors).
 */
export function jsonBody<S extends z.ZodType>(event: HubRequestEvent, schema: S, hint: string): z.output<S> {
  const contentType = event.headers?.['content-type'] ?? '';
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(contentType))
    throw new ProblemError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
  let body: unknown;
  try {
    body = JSON.parse(event.body ?? '');
  } catch {
    throw new ProblemError('MALFORMED_JSON', hint);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new ProblemError('INVALID_REQUEST', hint, toFieldErrors(parsed.error, { input: body }));
  return parsed.data;
}

/** The query parameters checked against `schema` (400 with every error). */
export function queryParameters<S extends z.ZodType>(
  event: HubRequestEvent,
  schema: S,
  hint: string,
): z.output<S> {
  const parsed = schema.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success)
    throw new ProblemError(
      'INVALID_REQUEST',
      hint,
      toFieldErrors(parsed.error, { input: event.queryStringParameters }),
    );
  return parsed.data;
}
