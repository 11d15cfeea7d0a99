import type { HubRequestEvent } from '#functions/http/submitter.ts';

export interface ApiEventOptions {
  body?: string;
  contentType?: string;
  claims?: Record<string, unknown>;
  isBase64Encoded?: boolean;
}

/** A minimal API Gateway HTTP API (payload 2.0) event for `POST /v1/records`, as the authorizer passes it on. */
export function recordsPostEvent(options: ApiEventOptions = {}): HubRequestEvent {
  const headers: Record<string, string> = {};
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  return {
    version: '2.0',
    routeKey: 'POST /v1/records',
    rawPath: '/v1/records',
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'test',
      domainPrefix: 'test',
      http: {
        method: 'POST',
        path: '/v1/records',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'vitest',
      },
      requestId: 'test',
      routeKey: 'POST /v1/records',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      ...(options.claims ? { authorizer: { jwt: { claims: options.claims } } } : {}),
    },
    ...(options.body === undefined ? {} : { body: options.body }),
    isBase64Encoded: options.isBase64Encoded ?? false,
  } as HubRequestEvent;
}

/** JSON body with the JSON content type. */
export function jsonPost(body: unknown, claims?: Record<string, unknown>): HubRequestEvent {
  return recordsPostEvent({
    body: JSON.stringify(body),
    contentType: 'application/json',
    ...(claims ? { claims } : {}),
  });
}
