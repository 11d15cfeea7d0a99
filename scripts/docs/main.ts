import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ASYNCAPI_DIR, generateDocuments, renderDocument } from './documents.ts';

// `npm run docs`: writes docs/openapi.json and docs/asyncapi/<department>.json from the code, and removes
// AsyncAPI documents of departments that are gone. The drift test (test/unit/docs) fails until this has run.

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
