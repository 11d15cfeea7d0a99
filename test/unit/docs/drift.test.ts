import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ASYNCAPI_DIR,
  generateDocuments,
  HTML_DIR,
  htmlPathOf,
  renderDocument,
  renderIndex,
} from '../../../scripts/docs/documents.ts';

// The committed documents must be what the code generates now: a schema, subscription or problem changed
// without `npm run docs` fails here (and so in CI). Compared as JSON, so formatting does not matter.

const ROOT = new URL('../../../', import.meta.url);
const generated = generateDocuments();

describe('docs/ is generated from the code (run `npm run docs` after changing a schema)', () => {
  it.each(generated.map((d) => [d.path, d.document] as const))('%s is up to date', (path, document) => {
    // Prepare
    const file = new URL(path, ROOT);
    expect(existsSync(file), `${path} is missing: run npm run docs`).toBe(true);

    // Act
    const committed: unknown = JSON.parse(readFileSync(file, 'utf8'));

    // Assess
    expect(committed, `${path} differs from the code: run npm run docs`).toEqual(
      JSON.parse(renderDocument(document)),
    );
  });

  it('holds no AsyncAPI document of a department that has no subscription', () => {
    const committed = readdirSync(new URL(`${ASYNCAPI_DIR}/`, ROOT)).filter((f) => f.endsWith('.json'));
    expect(committed.map((f) => `${ASYNCAPI_DIR}/${f}`).sort()).toEqual(
      generated
        .map((d) => d.path)
        .filter((p) => p.startsWith(`${ASYNCAPI_DIR}/`))
        .sort(),
    );
  });

  it.each(generated.map((d) => [htmlPathOf(d.path), d.document] as const))(
    '%s renders the document as it is now',
    (path, document) => {
      const file = new URL(path, ROOT);
      expect(existsSync(file), `${path} is missing: run npm run docs`).toBe(true);
      // Redoc's page carries the document it renders.
      const rendered = /const __redoc_definition = (.*);\n/.exec(readFileSync(file, 'utf8'))?.[1] ?? 'null';
      expect(JSON.parse(rendered), `${path} is stale: run npm run docs`).toEqual(
        JSON.parse(renderDocument(document)),
      );
    },
  );

  it('lists every rendered document on the index page', () => {
    expect(readFileSync(new URL(`${HTML_DIR}/index.html`, ROOT), 'utf8')).toBe(renderIndex(generated));
  });

  it('generates the same documents every time', () => {
    expect(generateDocuments().map((d) => renderDocument(d.document))).toEqual(
      generated.map((d) => renderDocument(d.document)),
    );
  });
});
