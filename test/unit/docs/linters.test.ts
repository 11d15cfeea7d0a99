import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { generateDocuments, OPENAPI_PATH, renderDocument } from '../../../scripts/docs/documents.ts';

// The generated documents as an integrator checks them, with the ecosystem's own tools: Redocly's linter
// (OpenAPI and AsyncAPI, its recommended rules) and swagger-parser's validator. No errors; the only warnings
// are the ones the README lists with their reason.

/** Redocly rules whose warnings the README explains (section "API and event documents"). */
const ACCEPTED_WARNINGS = ['info-license', 'no-unused-components', 'security-defined'];

const root = join(import.meta.dirname, '../../..');
const redocly = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');

interface Finding {
  description: string;
  severity: string;
  fingerprint: string;
  location: { path: string };
}

async function writeGenerated(): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'docs-lint-'));
  return Promise.all(
    generateDocuments().map(async ({ path, document }) => {
      const file = join(dir, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, renderDocument(document));
      return file;
    }),
  );
}

/** Runs `redocly lint` offline (no telemetry, no update check); its exit code is 0 only without errors. */
function lint(files: string[]): Promise<{ code: number; findings: Finding[] }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [redocly, 'lint', '--format=codeclimate', ...files],
      {
        cwd: root,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout) => {
        // One JSON array per document, written one after the other.
        const findings = JSON.parse(
          `[${stdout
            .trim()
            .replace(/\]\s*\[/g, ',')
            .slice(1, -1)}]`,
        ) as Finding[];
        resolve({ code: error ? Number(error.code ?? 1) : 0, findings });
      },
    );
  });
}

const ruleOf = (finding: Finding) => finding.fingerprint.split('-#')[0];

describe('the generated documents pass the linters', () => {
  it('redocly lint: no errors, and only the warnings the README explains', async () => {
    // Prepare
    const files = await writeGenerated();

    // Act
    const { code, findings } = await lint(files);

    // Assess
    expect(code, JSON.stringify(findings, null, 1)).toBe(0);
    expect(findings.filter((f) => f.severity !== 'minor')).toEqual([]);
    expect(
      [...new Set(findings.map(ruleOf))].filter((rule) => !ACCEPTED_WARNINGS.includes(rule ?? '')),
    ).toEqual([]);
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    for (const rule of ACCEPTED_WARNINGS) expect(readme).toContain(`\`${rule}\``);
  });

  it('swagger-parser validates the OpenAPI document', async () => {
    const openapi = generateDocuments().find((d) => d.path === OPENAPI_PATH)?.document;
    await expect(SwaggerParser.validate(structuredClone(openapi) as never)).resolves.toBeDefined();
  });
});
