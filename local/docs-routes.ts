import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { LocalRoute } from './api-server.ts';

/** Where `npm run docs` renders the API and event documents to HTML. */
const HTML_DIR = join(import.meta.dirname, '../docs/html');
export const DOCS_ROUTE_PATH = '/docs';

async function htmlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith('.html')).map((e) => join(e.parentPath, e.name));
}

const html = (body: string) => ({
  statusCode: 200,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body,
});

/**
 * `GET /docs/` (the index) and `GET /docs/<document>.html`, unauthenticated: the committed renderings of the
 * OpenAPI and AsyncAPI documents. `/docs` redirects to `/docs/`, so the index's relative links work served and
 * opened from disk alike.
 */
export async function docsRoutes(): Promise<LocalRoute[]> {
  const files = await htmlFiles(HTML_DIR);
  const pages = files.map(
    (file): LocalRoute => ({
      method: 'GET',
      path: `${DOCS_ROUTE_PATH}/${relative(HTML_DIR, file).replace(/^index\.html$/, '')}`,
      authorized: false,
      handler: async () => html(await readFile(file, 'utf8')),
    }),
  );
  const redirect: LocalRoute = {
    method: 'GET',
    path: DOCS_ROUTE_PATH,
    authorized: false,
    handler: async () => ({ statusCode: 308, headers: { location: `${DOCS_ROUTE_PATH}/` }, body: '' }),
  };
  return [redirect, ...pages];
}
