import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pLimit from 'p-limit';
import { program } from '../cli.ts';
import {
  ASYNCAPI_DIR,
  DOCS_DIR,
  generateDocuments,
  HTML_DIR,
  htmlPathOf,
  renderDocument,
  renderIndex,
} from './documents.ts';

// `npm run docs`: writes docs/openapi.json and docs/asyncapi/<name>.json from the code, formats them as
// `biome check` expects, renders each to HTML in docs/html/ (Redocly's build-docs; the local hub serves them
// at /docs), and removes documents of subscriptions that are gone. The drift test (test/unit/docs) fails until
// this has run. It takes no arguments: `--help` only prints the usage.

program(
  'npm run docs --',
  'Regenerates the API and event documents in docs/ from the code, and their HTML renderings.',
).parse();

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const resolvePackage = createRequire(import.meta.url).resolve;
const documents = generateDocuments();

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
  console.log(`wrote ${path}`);
}

/** Removes the files of `dir` with this extension that were not written now. */
async function removeStale(dir: string, extension: string, written: ReadonlySet<string>): Promise<void> {
  const files = await readdir(join(root, dir)).catch(() => [] as string[]);
  for (const file of files.filter((f) => f.endsWith(extension) && !written.has(`${dir}/${f}`))) {
    await rm(join(root, dir, file));
    console.log(`removed ${dir}/${file}`);
  }
}

for (const { path, document } of documents) await write(path, renderDocument(document));
await removeStale(ASYNCAPI_DIR, '.json', new Set(documents.map((d) => d.path)));

// Biome's own formatting of what was written, so `npm run lint` stays clean.
await run(
  process.execPath,
  [resolvePackage('@biomejs/biome/bin/biome'), 'format', '--write', '--no-errors-on-unmatched', DOCS_DIR],
  { cwd: root },
);

// Redocly's renderer, offline: the page is prerendered (readable without scripts); Redoc's script, which
// adds search and expanding, comes from Redocly's CDN when the browser reaches it.
const redocly = resolvePackage('@redocly/cli/bin/cli.js');
const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
const limit = pLimit(2);
await Promise.all(
  documents.map(({ path }) =>
    limit(async () => {
      await mkdir(dirname(join(root, htmlPathOf(path))), { recursive: true });
      await run(process.execPath, [redocly, 'build-docs', path, '--output', htmlPathOf(path)], {
        cwd: root,
        env,
      });
      console.log(`wrote ${htmlPathOf(path)}`);
    }),
  ),
);
await write(`${HTML_DIR}/index.html`, renderIndex(documents));
await removeStale(`${HTML_DIR}/asyncapi`, '.html', new Set(documents.map((d) => htmlPathOf(d.path))));
