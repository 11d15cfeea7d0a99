import { readFile } from 'node:fs/promises';
import type { LocalRoute } from './api-server.ts';

const OPENAPI_ROUTE_PATH = '/v1/openapi.json';
const DOCUMENT = new URL('../docs/openapi.json', import.meta.url);

/**
 * `GET /v1/openapi.json`, unauthenticated: the document `npm run docs` writes (docs/openapi.json; the drift test
 * fails when it no longer matches the code).
 */
export function openApiRoute(): LocalRoute {
  let body: Promise<string> | undefined;
  return {
    method: 'GET',
    path: OPENAPI_ROUTE_PATH,
    authorized: false,
    handler: async () => {
      body ??= readFile(DOCUMENT, 'utf8').then((text) => JSON.stringify(JSON.parse(text)));
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: await body };
    },
  };
}
