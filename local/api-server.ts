import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { GATEWAY_RESPONSES } from '#api/gateway-responses.ts';
import { ProblemError, problemResponse } from '#api/problems.ts';
import type { HubRequestEvent } from '#functions/http/submitter.ts';
import { apiGatewayEvent } from './api-gateway-event.ts';
import { lambdaContext } from './lambda-context.ts';
import type { RouteThrottle } from './route-throttle.ts';

/** API Gateway's own payload limit for HTTP APIs: bodies beyond it never reach a function. */
const API_GATEWAY_MAX_BODY = 10 * 1024 * 1024;
const NO_TOKEN = 'No bearer token: send "Authorization: Bearer <token>".';

export type HttpHandler = (
  event: HubRequestEvent,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface LocalRoute {
  method: 'GET' | 'POST';
  /** The path, with `{name}` for a path parameter (API Gateway's route syntax). */
  path: string;
  /** Whether the route needs a bearer token, as the deployed authorizer requires one. */
  authorized: boolean;
  /** Also serve every path below `path` (`/console/…`), as a greedy route (`{proxy+}`) would. */
  prefix?: boolean;
  handler: HttpHandler;
}

export interface ApiServerOptions {
  port: number;
  routes: LocalRoute[];
  /** Verifies a bearer token: the claims the deployed authorizer would pass on, or why it is refused. */
  authenticate: (
    token: string,
  ) => Promise<{ ok: true; claims: Record<string, string> } | { ok: false; reason: string }>;
  /** The stage's throttling, per route; every request passes when omitted. */
  throttle?: RouteThrottle;
}

/** API Gateway's own answer to a throttled request: its JSON message, no problem+json, no Retry-After. */
const THROTTLED_BY_GATEWAY: APIGatewayProxyStructuredResultV2 = {
  statusCode: 429,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message: GATEWAY_RESPONSES[429].message }),
};

/** The HTTP API as API Gateway runs it: routing, bearer check, payload 2.0 events, the same handlers. */
export async function startApiServer(options: ApiServerOptions): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    serve(options, request, response).catch((error: unknown) => {
      send(response, problemResponse(new ProblemError('INTERNAL', undefined, undefined, { cause: error })));
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}

async function serve(
  options: ApiServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://local').pathname;
  const onPath = options.routes.filter(
    (r) => pathParameters(r.path, path) !== undefined || (r.prefix === true && path.startsWith(`${r.path}/`)),
  );
  const route = onPath.find((r) => r.method === request.method);
  if (!route) {
    const code = onPath.length > 0 ? 'METHOD_NOT_ALLOWED' : 'NOT_FOUND';
    request.resume();
    return send(response, problemResponse(new ProblemError(code, `${request.method} ${path}`), path));
  }
  if (options.throttle && !options.throttle(`${route.method} ${route.path}`)) {
    request.resume();
    return send(response, THROTTLED_BY_GATEWAY);
  }
  const body = await readBody(request);
  if (body === undefined) {
    // The rest of the body was never read, so this connection cannot carry another request.
    const tooLarge = problemResponse(
      new ProblemError('PAYLOAD_TOO_LARGE', 'API Gateway accepts at most 10 MB.'),
      path,
    );
    return send(response, { ...tooLarge, headers: { ...tooLarge.headers, connection: 'close' } });
  }
  let claims: Record<string, string> | undefined;
  if (route.authorized) {
    const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const verified =
      token === undefined ? { ok: false as const, reason: NO_TOKEN } : await options.authenticate(token);
    if (!verified.ok)
      return send(response, problemResponse(new ProblemError('UNAUTHORIZED', verified.reason), path));
    claims = verified.claims;
  }
  const event = apiGatewayEvent(request, body, `${route.method} ${route.path}`, claims, {
    pathParameters: pathParameters(route.path, path),
  });
  send(response, await route.handler(event, lambdaContext(`local-${route.method}-${route.path}`)));
}

/** The path parameters of `path` on a route path like `/v1/imports/{importId}`, or undefined if it does not match. */
function pathParameters(template: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = template.replace(/\{(\w+)\}|[^{]+/g, (part, name: string | undefined) => {
    if (name === undefined) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    names.push(name);
    return '([^/]+)';
  });
  const match = new RegExp(`^${pattern}$`).exec(path);
  if (!match) return undefined;
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > API_GATEWAY_MAX_BODY) {
      request.resume();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? '');
  response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  response.end(body);
}
