import type http from 'node:http';
import { callListener, type RequestListener } from './in-process-transport.ts';
import { emulatorAuthorization } from './local-account.ts';

// dynalite's own request handler, called in-process: the stream tap forwards clients' requests through it and
// makes its own reads with it. dynalite (in the same thread) reads a request's method, url, headers and body
// events and writes status, headers and one body, so a loopback HTTP round trip per call (a client and a
// server parsing each request once more) would buy nothing. Wire JSON
// in and out, so images stay in DynamoDB's JSON shape.

export interface UpstreamResponse {
  status: number;
  headers: http.OutgoingHttpHeaders;
  body: Buffer;
}

export interface DynaliteWire {
  /** Sends a request as received and buffers the answer. */
  forward(
    method: string,
    path: string,
    headers: http.IncomingHttpHeaders,
    body: Buffer,
  ): Promise<UpstreamResponse>;
  /** Calls a DynamoDB operation; the parsed JSON answer and its status. */
  call<T>(operation: string, input: object): Promise<{ status: number; output: T }>;
}

// dynalite checks that a request looks signed, never the signature itself.
const INTERNAL_AUTHORIZATION = emulatorAuthorization('local', 'dynamodb');
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade'];

export function createDynaliteWire(dynaliteServer: http.Server): DynaliteWire {
  const [listener] = dynaliteServer.listeners('request') as RequestListener[];
  if (!listener) throw new Error('dynalite has no request handler');
  const send = (method: string, path: string, headers: http.OutgoingHttpHeaders, body: Buffer) =>
    callListener(listener, method, path, headers, body);

  return {
    forward(method, path, headers, body) {
      const outgoing: http.OutgoingHttpHeaders = { ...headers, 'content-length': body.length };
      for (const name of [...HOP_BY_HOP, 'host']) delete outgoing[name];
      return send(method, path, outgoing, body);
    },

    async call<T>(operation: string, input: object) {
      const body = Buffer.from(JSON.stringify(input));
      const response = await send(
        'POST',
        '/',
        {
          'content-type': 'application/x-amz-json-1.0',
          'content-length': body.length,
          'x-amz-target': `DynamoDB_20120810.${operation}`,
          ...INTERNAL_AUTHORIZATION,
        },
        body,
      );
      return { status: response.status, output: JSON.parse(response.body.toString('utf8') || '{}') as T };
    },
  };
}

/** Headers to send back to the client: dynalite's, minus hop-by-hop ones, with the buffered length. */
export function responseHeaders(upstream: UpstreamResponse): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = { ...upstream.headers, 'content-length': upstream.body.length };
  for (const name of HOP_BY_HOP) delete headers[name];
  return headers;
}
