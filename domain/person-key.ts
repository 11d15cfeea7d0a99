import { createHmac } from 'node:crypto';

/**
 * A person's key: HMAC-SHA256 of the normalised 18-character ID number (DESIGN.md §5, Identity).
 * Stable, not reversible without the secret, so it is safe in keys, logs and events.
 */
export function personKeyOf(idNumber: string, secret: string): string {
  return createHmac('sha256', secret).update(idNumber).digest('hex');
}

/**
 * A residence permit number's key: HMAC-SHA256 of the number with the same secret, under its own prefix so it
 * never equals a personKey (some cities number permits by the ID number). The number identifies its holder as
 * an ID number does, so only this key is stored, indexed or logged.
 */
export function permitKeyOf(permitNumber: string, secret: string): string {
  return createHmac('sha256', secret).update(`residence-permit:${permitNumber}`).digest('hex');
}
