import { z } from 'zod';
import { identifier } from './values/identifier.ts';

/** POST /v1/records limits (DESIGN.md §5). */
export const MAX_RECORDS_PER_SUBMISSION = 500;
export const MAX_SUBMISSION_BYTES = 2 * 1024 * 1024;
export const MAX_SOURCE_ID_LENGTH = 128;

/**
 * The request envelope. Records are checked one by one (see `recordEntry`), so one bad entry
 * rejects only itself; the envelope itself must be exactly `{ "records": [...] }`.
 * @example { "records": [{ "kind": "residence-registration", "sourceId": "L-0001", "data": { } }] }
 */
export const submissionEnvelope = z.strictObject({
  records: z.array(z.unknown()).min(1).max(MAX_RECORDS_PER_SUBMISSION),
});

/** One submitted record: its kind, the submitter's own id for it, and the data to normalise. */
export const recordEntry = z.strictObject({
  kind: z.string(),
  sourceId: identifier(MAX_SOURCE_ID_LENGTH).optional(),
  data: z.record(z.string(), z.unknown()),
});

export type RecordEntry = z.infer<typeof recordEntry>;

export type RecordStatus = 'accepted' | 'unchanged' | 'rejected';
