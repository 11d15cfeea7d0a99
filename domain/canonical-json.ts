import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';

/** JSON with sorted keys, so equal content always serialises (and hashes) the same. */
export function canonicalJson(value: unknown): string {
  return stringify(value) ?? 'null';
}

/** Hash of a canonical record's content: equal hashes mean "unchanged". */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}
