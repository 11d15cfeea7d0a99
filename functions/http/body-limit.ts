import type middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ProblemError } from '#api/problems.ts';

/** Refuses a body over `maxBytes` (decoded size) before anything parses it. */
export function bodyLimit(options: { maxBytes: number }): middy.MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: async (request) => {
      const { body, isBase64Encoded } = request.event;
      if (body === undefined) return;
      const bytes = isBase64Encoded ? Buffer.byteLength(body, 'base64') : Buffer.byteLength(body, 'utf8');
      if (bytes > options.maxBytes) {
        throw new ProblemError(
          'PAYLOAD_TOO_LARGE',
          `The body has ${bytes} bytes; at most ${options.maxBytes} are accepted.`,
        );
      }
    },
  };
}
