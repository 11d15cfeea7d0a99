import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CHANGE_EVENT_SCHEMA_VERSION,
  compileSubscriptions,
  SAMPLE_DETAILS,
  SUBSCRIPTIONS,
} from '../../../events/index.ts';
import { CONTRACT_VERSION } from '../../../scripts/docs/contract-version.ts';
import { generateDocuments } from '../../../scripts/docs/documents.ts';

// The versioning policy (docs/versioning.md) as far as code can hold it: the changelog names the release the
// documents carry, and every event carries its schema version to every department.

const ROOT = new URL('../../../', import.meta.url);

describe('versions', () => {
  it('CHANGELOG.md starts with the release the generated documents carry', () => {
    const changelog = readFileSync(new URL('CHANGELOG.md', ROOT), 'utf8');
    const releases = [...changelog.matchAll(/^## (\d+\.\d+\.\d+)$/gm)].map((m) => m[1]);
    expect(releases[0]).toBe(CONTRACT_VERSION);
    for (const { path, document } of generateDocuments())
      expect((document.info as { version: string }).version, path).toBe(CONTRACT_VERSION);
  });

  it('every change event carries schemaVersion, and every department receives it', () => {
    for (const detail of Object.values(SAMPLE_DETAILS))
      expect(detail.schemaVersion).toBe(CHANGE_EVENT_SCHEMA_VERSION);
    for (const rule of compileSubscriptions(SUBSCRIPTIONS))
      expect(rule.inputTransformer.inputPathsMap.schemaVersion, rule.ruleName).toBe('$.detail.schemaVersion');
  });
});
