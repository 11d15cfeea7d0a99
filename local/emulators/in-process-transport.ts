import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { MessagePort } from 'node:worker_threads';
import { type HttpHandler, HttpResponse } from '@smithy/core/protocols';
import pLimit from 'p-limit';

// The hub's own SDK clients reach the emulators in-process instead of over loopback HTTP: the DynamoDB
// emulator in its worker thread over a MessagePort (portRequestHandler, servePort), fauxqs in the hub's own
// thread through fastify's inject (injectRequestHandler). The client keeps the SDK's whole path (middleware,
// serialising, signing, retries) and the emulator's handler sees the same method, path, headers and body, but
// neither side pays for sockets, HTTP framing and parsing (a tenth of each thread's time under the bench
// load). The emulators' HTTP endpoints stay for everything outside the process.

/** One request as the emulator's handler receives it. */
export interface PortRequest {
  id: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** The handler's answer to request `id`. */
export interface PortResponse {
  id: number;
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** An HTTP request listener's contract, as much of it as the emulators' handlers use. */
export type RequestListener = (request: never, response: never) => void;

/** A request's error once the emulator's thread is gone: it fails instead of waiting for an answer forever. */
export class PortClosedError extends Error {
  override name = 'PortClosedError';
  constructor() {
    super('the emulator thread closed its port');
  }
}

/**
 * Requests a client has on the port at once, the rest wait their turn: as the SDK's HTTP handler holds a
 * client to 50 sockets, so that one busy client (ingest at full speed) cannot crowd out the others.
 */
const MAX_IN_FLIGHT = 50;

/**
 * A request handler for SDK clients that sends every request over `port`. The port is referenced only
 * while a request is waiting, so an idle client keeps no process alive.
 */
export function portRequestHandler(port: MessagePort): HttpHandler {
  const limit = pLimit(MAX_IN_FLIGHT);
  const waiting = new Map<number, { resolve: (answer: PortResponse) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let closed = false;
  port.unref();
  port.on('message', (answer: PortResponse) => {
    const request = waiting.get(answer.id);
    waiting.delete(answer.id);
    if (waiting.size === 0) port.unref();
    request?.resolve(answer);
  });
  port.on('close', () => {
    closed = true;
    for (const request of waiting.values()) request.reject(new PortClosedError());
    waiting.clear();
  });
  return {
    metadata: { handlerProtocol: 'port' },
    async handle(request) {
      const id = nextId++;
      const answer = await limit(
        () =>
          new Promise<PortResponse>((resolve, reject) => {
            if (closed) throw new PortClosedError();
            if (waiting.size === 0) port.ref();
            waiting.set(id, { resolve, reject });
            port.postMessage({
              id,
              method: request.method,
              path: pathOf(request),
              headers: request.headers,
              body: bodyOf(request),
            } satisfies PortRequest);
          }),
      );
      return {
        response: new HttpResponse({ statusCode: answer.status, headers: answer.headers, body: answer.body }),
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
}

/** Serves the requests that arrive on `port` with an HTTP request listener (the emulator's own). */
export function servePort(port: MessagePort, listener: RequestListener): void {
  port.on('message', async (request: PortRequest) => {
    const body = bufferOf(request.body);
    const answer = await callListener(listener, request.method, request.path, request.headers, body);
    port.postMessage({
      id: request.id,
      status: answer.status,
      headers: stringHeaders(answer.headers),
      body: answer.body,
    } satisfies PortResponse);
  });
}

export interface ListenerAnswer {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

/**
 * Calls an HTTP request listener in-process: a request that emits its body once, and a response that
 * buffers what the listener writes (`setHeader`/`statusCode` or `writeHead`, then `end`).
 */
export function callListener(
  listener: RequestListener,
  method: string,
  path: string,
  headers: IncomingHttpHeaders | OutgoingHttpHeaders,
  body: Buffer,
): Promise<ListenerAnswer> {
  return new Promise((resolve) => {
    const request = Object.assign(new EventEmitter(), { method, url: path, headers });
    const answered: OutgoingHttpHeaders = {};
    const response = {
      statusCode: 200,
      headersSent: false,
      setHeader(name: string, value: number | string | string[]) {
        answered[name.toLowerCase()] = value;
      },
      writeHead(status: number, head: OutgoingHttpHeaders = {}) {
        response.statusCode = status;
        for (const [name, value] of Object.entries(head)) answered[name.toLowerCase()] = value;
        response.headersSent = true;
        return response;
      },
      end(data?: string | Buffer) {
        response.headersSent = true;
        resolve({ status: response.statusCode, headers: answered, body: Buffer.from(data ?? '') });
      },
      /** A listener that failed after answering: the client sees a server error. */
      destroy() {
        resolve({ status: 500, headers: {}, body: Buffer.from('') });
      },
    };
    (listener as (request: object, response: object) => void)(request, response);
    request.emit('data', body);
    request.emit('end');
  });
}

/** What fastify's `inject` takes and gives, as much as the handler below uses. */
interface Injectable {
  inject(request: {
    method: string;
    url: string;
    headers: Record<string, string>;
    payload: string | Uint8Array;
  }): Promise<{ statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer }>;
}

/** A request handler for SDK clients that calls a fastify app in the same thread (the SQS emulator's). */
export function injectRequestHandler(app: Injectable): HttpHandler {
  return {
    metadata: { handlerProtocol: 'inject' },
    async handle(request) {
      const answer = await app.inject({
        method: request.method,
        url: pathOf(request),
        headers: request.headers,
        // A Buffer: inject sends any other object as JSON, which the SDK's content-length does not count.
        payload: bufferOf(bodyOf(request)),
      });
      const headers = stringHeaders(answer.headers);
      return {
        response: new HttpResponse({ statusCode: answer.statusCode, headers, body: answer.rawPayload }),
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
}

type SdkRequest = Parameters<HttpHandler['handle']>[0];

const pathOf = (request: SdkRequest): string => {
  const query = new URLSearchParams(request.query as Record<string, string>).toString();
  return query ? `${request.path}?${query}` : request.path;
};

/** The SDK's serialised body: JSON text or bytes for these protocols. */
const bodyOf = (request: SdkRequest): string | Uint8Array =>
  typeof request.body === 'string' || request.body instanceof Uint8Array ? request.body : '';

/** The body as a Buffer: text encoded as UTF-8, bytes viewed in place rather than copied. */
const bufferOf = (body: string | Uint8Array): Buffer =>
  typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);

const stringHeaders = (headers: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));
