import type { Logger } from '@aws-lambda-powertools/logger';
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type ProblemCode, ProblemError, problemResponse } from '#api/problems.ts';

/** What middy's own HTTP middlewares throw, mapped to our stable problem codes. */
const MIDDY_STATUS_TO_PROBLEM: Record<number, ProblemCode> = {
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'MALFORMED_JSON',
};

/**
 * AWS errors that mean the hub itself is throttled (DynamoDB capacity, EventBridge or request rate), once the
 * SDK's own retries are spent: the client should back off and retry the whole request, which is safe (records
 * already stored come back `unchanged`).
 */
const THROTTLING_ERRORS = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);

const isThrottling = (error: unknown): boolean =>
  error instanceof Error &&
  (THROTTLING_ERRORS.has(error.name) ||
    (error as { $retryable?: { throttling?: boolean } }).$retryable?.throttling === true);

/** middy's JSON parser refuses these keys (prototype pollution); say so rather than "not valid JSON". */
const FORBIDDEN_KEY_MESSAGE = 'Forbidden key in JSON body';

function asProblem(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  if (isThrottling(error)) return new ProblemError('THROTTLED', undefined, undefined, { cause: error });
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (status === 422 && (error as Error).message === FORBIDDEN_KEY_MESSAGE) {
    const detail =
      'Keys named "__proto__", and "constructor" holding a "prototype", are refused anywhere in the body.';
    return new ProblemError('MALFORMED_JSON', detail, undefined, { cause: error });
  }
  const code = typeof status === 'number' ? MIDDY_STATUS_TO_PROBLEM[status] : undefined;
  return new ProblemError(code ?? 'INTERNAL', undefined, undefined, { cause: error });
}

/** Turns any failure into an RFC 9457 application/problem+json response; logs unexpected ones (no payloads). */
export function problemJson(options: {
  logger: Logger;
}): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const problem = asProblem(request.error);
      if (problem.code === 'INTERNAL')
        options.logger.error('request failed', { error: request.error as Error });
      else options.logger.info('request refused', { problem: problem.code });
      request.response = problemResponse(problem, request.event.rawPath);
    },
  };
}
