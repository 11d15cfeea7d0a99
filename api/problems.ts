import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ProblemDetails } from './http-api.ts';

/** Stable codes of whole-request failures (RFC 9457 problem details), with their HTTP status and title. */
export const PROBLEMS = {
  MALFORMED_JSON: { status: 400, title: 'The body is not valid JSON.' },
  INVALID_ENVELOPE: { status: 400, title: 'The body is not a valid submission envelope.' },
  NESTING_TOO_DEEP: { status: 400, title: 'The body nests objects or arrays too deeply.' },
  BODY_NOT_DECODABLE: {
    status: 400,
    title: 'The body is not valid text in the charset its Content-Type declares (UTF-8 when none).',
  },
  INVALID_REQUEST: { status: 400, title: "The request's body or parameters are not valid." },
  FILE_EMPTY: { status: 400, title: 'The file is empty or has no data rows.' },
  FILE_TYPE_MISMATCH: { status: 400, title: 'The file is not what its content type says.' },
  FILE_ENCRYPTED: { status: 400, title: 'The workbook is password-protected.' },
  FILE_CORRUPT: { status: 400, title: 'The file is damaged and cannot be read.' },
  FILE_ENCODING: { status: 400, title: 'The file is not text in the encoding it was read with.' },
  SHEET_NOT_FOUND: { status: 400, title: 'The workbook has no sheet of that name.' },
  IMPORT_COLUMNS_INVALID: { status: 400, title: 'The header row does not fit the record kind.' },
  INVALID_IDEMPOTENCY_KEY: {
    status: 400,
    title: 'The Idempotency-Key header must be 1 to 128 printable ASCII characters.',
  },
  UNAUTHORIZED: { status: 401, title: 'A valid bearer token is required.' },
  FORBIDDEN: { status: 403, title: 'The caller may not do this.' },
  NOT_FOUND: { status: 404, title: 'No such resource.' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'This method is not allowed on this resource.' },
  IMPORT_NOT_FINISHED: { status: 409, title: 'The import is still running.' },
  IDEMPOTENCY_IN_FLIGHT: {
    status: 409,
    title: 'A request with this Idempotency-Key is still being processed.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The body is too large.' },
  TOO_MANY_ROWS: { status: 413, title: 'The file has more rows than one import takes.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The body is not of a media type this resource takes.' },
  UNSUPPORTED_CHARSET: { status: 415, title: 'The body must be UTF-8, GB18030 or GBK.' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'This Idempotency-Key was already used with a different body.',
  },
  THROTTLED: {
    status: 429,
    title: 'The hub is throttled by its store or bus; retry after Retry-After seconds.',
    retryAfterSeconds: 1,
  },
  INTERNAL: { status: 500, title: 'The hub failed to handle the request; nothing was half-written.' },
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

/** Seconds a client should wait before retrying a problem answered with 429 or 503 (its Retry-After). */
export function retryAfterOf(code: ProblemCode): number | undefined {
  const problem = PROBLEMS[code];
  return 'retryAfterSeconds' in problem ? problem.retryAfterSeconds : undefined;
}

/** A whole-request failure, thrown anywhere in a handler and turned into problem+json by the error middleware. */
export class ProblemError extends Error {
  readonly code: ProblemCode;
  readonly detail: string | undefined;
  readonly errors: readonly { path: string; code: string; message: string }[] | undefined;
  /** IMPORT_COLUMNS_INVALID: every header the record kind accepts. */
  readonly acceptedColumns: readonly string[] | undefined;

  constructor(
    code: ProblemCode,
    detail?: string,
    errors?: readonly { path: string; code: string; message: string }[],
    options?: ErrorOptions & { acceptedColumns?: readonly string[] },
  ) {
    super(detail ?? PROBLEMS[code].title, options);
    this.name = 'ProblemError';
    this.code = code;
    this.detail = detail;
    this.errors = errors;
    this.acceptedColumns = options?.acceptedColumns;
  }
}

/** The problem details (RFC 9457) of a problem, as the response body or an import's `failure`. */
export function problemDetailsOf(problem: ProblemError, instance?: string): ProblemDetails {
  const { status, title } = PROBLEMS[problem.code];
  return {
    type: `urn:residence-data-hub:problem:${problem.code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    code: problem.code,
    ...(problem.detail === undefined ? {} : { detail: problem.detail }),
    ...(instance === undefined ? {} : { instance }),
    ...(problem.errors === undefined ? {} : { errors: [...problem.errors] }),
    ...(problem.acceptedColumns === undefined ? {} : { acceptedColumns: [...problem.acceptedColumns] }),
  };
}

export function problemResponse(problem: ProblemError, instance?: string): APIGatewayProxyStructuredResultV2 {
  const retryAfter = retryAfterOf(problem.code);
  return {
    statusCode: PROBLEMS[problem.code].status,
    headers: {
      'content-type': 'application/problem+json',
      ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }),
    },
    body: JSON.stringify(problemDetailsOf(problem, instance)),
  };
}
