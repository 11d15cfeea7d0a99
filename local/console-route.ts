import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { transform } from 'esbuild';
import { ProblemError, problemResponse } from '#api/problems.ts';
import { RESIDENCE_TYPE_LABELS } from '#schemas/values/enums.ts';
import type { LocalRoute } from './api-server.ts';

/*
 * The operator console (console/) on the local hub: `GET /console` and the files the page loads, all from
 * this origin (government networks reach no CDN). The console's TypeScript is served as JavaScript, its types
 * stripped by esbuild per request (no build step, no build output); Chart.js's UMD build and the Noto Sans SC
 * web font (woff2 subsets only: the browser fetches the subsets whose characters the page shows) come from
 * node_modules. Nothing else is served: every other path under /console is 404.
 */

export const CONSOLE_PATH = '/console';

const ROOT = new URL('../', import.meta.url);
const FONT_PACKAGE = '@fontsource/noto-sans-sc';

type Asset = { file: URL; type: string; typeScript?: boolean; binary?: boolean };

/** The asset a path names, or undefined: an allow-list, never a path joined onto a folder. */
function assetOf(path: string): Asset | undefined {
  const rest = path.slice(CONSOLE_PATH.length);
  if (rest === '' || rest === '/') return { file: new URL('console/index.html', ROOT), type: 'text/html' };
  let match = /^\/((?:pages\/)?[a-z-]+)\.ts$/.exec(rest);
  if (match)
    return { file: new URL(`console/${match[1]}.ts`, ROOT), type: 'text/javascript', typeScript: true };
  match = /^\/([a-z-]+)\.css$/.exec(rest);
  if (match) return { file: new URL(`console/${match[1]}.css`, ROOT), type: 'text/css' };
  // The one shared module the page imports (`#schemas/errors.ts`, mapped by index.html): the masking helpers.
  if (rest === '/lib/schemas/errors.ts')
    return { file: new URL('schemas/errors.ts', ROOT), type: 'text/javascript', typeScript: true };
  if (rest === '/vendor/chart.umd.min.js')
    return { file: packageFile('chart.js', 'dist/chart.umd.min.js'), type: 'text/javascript' };
  if (rest === '/fonts/noto-sans-sc-400.css')
    return { file: packageFile(FONT_PACKAGE, '400.css'), type: 'text/css' };
  match = /^\/fonts\/files\/(noto-sans-sc-[a-z0-9-]+-400-normal\.woff2)$/.exec(rest);
  if (match)
    return { file: packageFile(FONT_PACKAGE, `files/${match[1]}`), type: 'font/woff2', binary: true };
  return undefined;
}

/** A file of a package the project depends on directly (npm installs those at the top of node_modules). */
const packageFile = (name: string, file: string): URL => new URL(`node_modules/${name}/${file}`, ROOT);

/** The page's only inline script is its import map; the policy allows exactly that script by its hash. */
async function contentSecurityPolicy(html: string): Promise<string> {
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  const hash = createHash('sha256').update(importMap).digest('base64');
  return [
    "default-src 'none'",
    `script-src 'self' 'sha256-${hash}'`,
    "style-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

async function serveAsset(asset: Asset): Promise<APIGatewayProxyStructuredResultV2> {
  const headers: Record<string, string> = {
    'content-type': asset.binary ? asset.type : `${asset.type}; charset=utf-8`,
    'x-content-type-options': 'nosniff',
    'cache-control': asset.binary ? 'public, max-age=86400' : 'no-cache',
  };
  if (asset.binary) {
    const bytes = await readFile(asset.file);
    return { statusCode: 200, headers, body: bytes.toString('base64'), isBase64Encoded: true };
  }
  let text = await readFile(asset.file, 'utf8');
  if (asset.typeScript)
    text = (await transform(text, { loader: 'ts', format: 'esm', target: 'es2022' })).code;
  if (asset.type === 'text/html') headers['content-security-policy'] = await contentSecurityPolicy(text);
  return { statusCode: 200, headers, body: text };
}

/** `GET /console…`: the page, its modules, styles, chart library, font and labels. No token: the page asks. */
export function consoleRoute(): LocalRoute {
  return {
    method: 'GET',
    path: CONSOLE_PATH,
    prefix: true,
    authorized: false,
    handler: async (event) => {
      const path = event.rawPath;
      if (path === `${CONSOLE_PATH}/labels.json`) {
        return {
          statusCode: 200,
          headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' },
          body: JSON.stringify({ residenceType: RESIDENCE_TYPE_LABELS }),
        };
      }
      const asset = assetOf(path);
      if (asset === undefined) return problemResponse(new ProblemError('NOT_FOUND', `GET ${path}`), path);
      try {
        return await serveAsset(asset);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          return problemResponse(new ProblemError('NOT_FOUND', `GET ${path}`), path);
        throw error;
      }
    },
  };
}
