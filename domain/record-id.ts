import { createHash } from 'node:crypto';

/**
 * A record's id derives from its kind and natural key (with the subject's personKey, never the clear ID
 * number), so the same real-world fact reported by two submitters lands on one record.
 */
export function recordIdOf(kind: string, naturalKey: readonly string[]): string {
  const digest = createHash('sha256')
    .update([kind, ...naturalKey].join('\u001f'))
    .digest('base64url');
  return `${kind}:${digest.slice(0, 22)}`;
}
