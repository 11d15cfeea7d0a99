import http from 'node:http';
import { emulatorAuthorization } from './local-account.ts';

// Plain HTTP to dynalite on loopback: the stream tap forwards clients' requests through it and
// makes its own reads with it. Wire JSON in and out, so images stay in DynamoDB's JSON shape.

export interface UpstreamResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
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
  close(): void;
}

// dynalite checks that a request looks signed, never the signature itself.
const INTERNAL_AUTHORIZATION = emulatorAuthorization('local', 'dynamodb');
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade'];

export function createDynaliteWire(host: string, port: number): DynaliteWire {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

  function send(
    method: string,
    path: string,
    headers: http.OutgoingHttpHeaders,
    body: Buffer,
  ): Promise<UpstreamResponse> {
    return new Promise((resolve, reject) => {
      const request = http.request({ host, port, method, path, headers, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 500,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
      });
      request.on('error', reject);
      request.end(body);
    });
  }

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

    close() {
      agent.destroy();
    },
  };
}

/** Headers to send back to the client: dynalite's, minus hop-by-hop ones, with the buffered length. */
export function responseHeaders(upstream: UpstreamResponse): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = { ...upstream.headers, 'content-length': upstream.body.length };
  for (const name of HOP_BY_HOP) delete headers[name];
  return headers;
}
