import { permitKeyOf } from '#domain/person-key.ts';
import { errorMessage, type FieldError } from '#schemas/errors.ts';
import type { RecordKind } from '#schemas/index.ts';
import type { PermitNumberIndex } from '../adapters/permit-number-index.ts';

/** A record's permit number as the index knows it: its key, and whether the record issues it or names it. */
export interface PermitNumberRef {
  permitKey: string;
  /** A permit binds its number to its holder; a card link only names it. */
  binds: boolean;
}

/** The permit number a record carries (a residence permit's, a card link's), keyed. */
export function permitNumberRefOf(
  kind: RecordKind,
  record: Record<string, unknown>,
  secret: string,
): PermitNumberRef | undefined {
  if (kind !== 'residence-permit' && kind !== 'card-link') return undefined;
  return { permitKey: permitKeyOf(String(record.permitNumber), secret), binds: kind === 'residence-permit' };
}

const taken: FieldError = {
  path: 'data.permitNumber',
  code: 'PERMIT_NUMBER_TAKEN',
  message: errorMessage('PERMIT_NUMBER_TAKEN'),
};

/**
 * Whether a record's permit number belongs to its person: a permit binds an unbound number to its holder
 * (before the record is written, so a number never names two people; a crash in between leaves a binding the
 * repeated report finds again); a card link may name a number not issued through the hub yet, but not one held
 * by someone else. PERMIT_NUMBER_TAKEN at `data.permitNumber` otherwise.
 */
export async function permitNumberError(
  ref: PermitNumberRef,
  personKey: string,
  index: PermitNumberIndex,
  at: string,
): Promise<FieldError | undefined> {
  const holder = ref.binds
    ? await index.bind(ref.permitKey, personKey, at)
    : ((await index.holderOf(ref.permitKey)) ?? personKey);
  return holder === personKey ? undefined : taken;
}
