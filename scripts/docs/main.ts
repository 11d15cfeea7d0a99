import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { ASYNCAPI_DIR, DOCS_DIR, generateDocuments, renderDocument } from './documents.ts';

// `npm run docs`: writes docs/openapi.json and docs/asyncapi/<name>.json from the code, removes AsyncAPI
// documents of subscriptions that are gone, and formats what it wrote as `biome check` expects. The drift test
// (test/unit/docs) fails until this has run. It takes no arguments: `--help` only prints the usage.

new Command('npm run docs --')
  .description('Regenerates the API and event documents in docs/ from the code.')
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .parse();

const root = resolve(import.meta.dirname, '../..');
const documents = generateDocuments();

for (const { path, document } of documents) {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), renderDocument(document));
  console.log(`wrote ${path}`);
}

const written = new Set(documents.map((d) => d.path));
for (const file of await readdir(join(root, ASYNCAPI_DIR))) {
  const path = `${ASYNCAPI_DIR}/${file}`;
  if (file.endsWith('.json') && !written.has(path)) {
    await rm(join(root, path));
    console.log(`removed ${path}`);
  }
}

// Biome's own formatting of what was written, so `npm run lint` stays clean.
const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
await promisify(execFile)(
  process.execPath,
  [biome, 'format', '--write', '--no-errors-on-unmatched', DOCS_DIR],
  {
    cwd: root,
  },
);
