import { buildOpenApiDocument } from '../scripts/docs/openapi.ts';
import type { LocalRoute } from './api-server.ts';

export const OPENAPI_ROUTE_PATH = '/v1/openapi.json';

/** `GET /v1/openapi.json`, unauthenticated: the document `npm run docs` writes, built from the running code. */
export function openApiRoute(): LocalRoute {
  let body: string | undefined;
  return {
    method: 'GET',
    path: OPENAPI_ROUTE_PATH,
    authorized: false,
    handler: async () => {
      body ??= JSON.stringify(buildOpenApiDocument());
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body };
    },
  };
}
