import { createHmac } from 'node:crypto';

/**
 * A person's key: HMAC-SHA256 of the normalised 18-character ID number (DESIGN.md §5, Identity).
 * Stable, not reversible without the secret, so it is safe in keys, logs and events.
 */
export function personKeyOf(idNumber: string, secret: string): string {
  return createHmac('sha256', secret).update(idNumber).digest('hex');
}
