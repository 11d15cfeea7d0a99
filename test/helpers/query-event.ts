import type { HubRequestEvent } from '#functions/http/submitter.ts';

/** An API Gateway HTTP API (payload 2.0) event for any route, as the authorizer passes it on. */
export function httpEvent(options: {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  claims?: Record<string, string>;
}): HubRequestEvent {
  const routeKey = `${options.method} ${options.path}`;
  const rawQueryString = new URLSearchParams(options.query ?? {}).toString();
  return {
    version: '2.0',
    routeKey,
    rawPath: options.path,
    rawQueryString,
    headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'test',
      domainPrefix: 'test',
      http: {
        method: options.method,
        path: options.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'vitest',
      },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      ...(options.claims ? { authorizer: { jwt: { claims: options.claims } } } : {}),
    },
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    isBase64Encoded: false,
  } as HubRequestEvent;
}
