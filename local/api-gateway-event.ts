import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { HubRequestEvent } from '#functions/http/submitter.ts';

/** Builds the API Gateway HTTP API (payload 2.0) event that API Gateway itself would hand the Lambda. */
export function apiGatewayEvent(
  request: IncomingMessage,
  body: Buffer,
  routeKey: string,
  claims: Record<string, string> | undefined,
  options: { pathParameters?: Record<string, string> | undefined } = {},
): HubRequestEvent {
  const url = new URL(request.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const textual = body.length === 0 || (isTextual(headers['content-type']) && isUtf8(body));
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    ...(options.pathParameters && Object.keys(options.pathParameters).length > 0
      ? { pathParameters: options.pathParameters }
      : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      ...(claims ? { authorizer: { jwt: { claims } } } : {}),
    },
    ...(body.length > 0 ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: !textual,
  } as HubRequestEvent;
}

// API Gateway base64-encodes bodies it does not consider text; JSON and text stay as they are. Here text
// must also be valid UTF-8 to be a string: bytes in another charset reach the handler as they are, never
// as a lossy UTF-8 reading (the handler decodes them by their declared charset).
function isTextual(contentType: string | undefined): boolean {
  return (
    contentType === undefined ||
    /^(text\/|application\/([\w.+-]*json|xml|x-www-form-urlencoded))/i.test(contentType)
  );
}
