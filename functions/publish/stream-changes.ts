import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { DerivedEventEntry } from '#events/derived.ts';
import { PROFILE_SK } from '../adapters/profile-store.ts';
import { RECORD_SK, type RecordItem } from '../adapters/store-items.ts';

/** One committed change of a record, read from the table's stream. */
export interface RecordChange {
  /** The stream record's sequence number: what a partial batch failure reports. */
  sequenceNumber: string;
  current: RecordItem;
  previous?: RecordItem;
}

const image = (value: unknown): RecordItem | undefined =>
  value === undefined ? undefined : (unmarshall(value as Record<string, AttributeValue>) as RecordItem);

/**
 * The real changes in a batch of stream records: record items only (not history), and not writes that kept the
 * content (a provenance-only update keeps the version), so nothing is published for a no-op.
 */
export function realChanges(records: readonly DynamoDBRecord[]): RecordChange[] {
  const changes: RecordChange[] = [];
  for (const streamRecord of records) {
    const data = streamRecord.dynamodb;
    if (streamRecord.eventName === 'REMOVE' || data?.Keys?.sk?.S !== RECORD_SK) continue;
    const current = image(data.NewImage);
    const previous = image(data.OldImage);
    if (!current || previous?.contentHash === current.contentHash) continue;
    changes.push({ sequenceNumber: data.SequenceNumber ?? '', current, ...(previous ? { previous } : {}) });
  }
  return changes;
}

/** The derived events of one new profile version, read from the table's stream. */
export interface ProfileEvents {
  sequenceNumber: string;
  entries: DerivedEventEntry[];
}

type Image = Record<string, AttributeValue>;
const versionOf = (image: Image | undefined): number => Number(image?.version?.N ?? 0);

/**
 * The outbox of every profile write that made a new version (functions/derive writes each version's derived
 * events with it). Only the version and the outbox are read of the image, never the profile.
 */
export function profileEvents(records: readonly DynamoDBRecord[]): ProfileEvents[] {
  const found: ProfileEvents[] = [];
  for (const streamRecord of records) {
    const data = streamRecord.dynamodb;
    if (streamRecord.eventName === 'REMOVE' || data?.Keys?.sk?.S !== PROFILE_SK) continue;
    const after = data.NewImage as Image | undefined;
    if (after?.outbox === undefined || versionOf(after) <= versionOf(data.OldImage as Image | undefined))
      continue;
    const { outbox } = unmarshall({ outbox: after.outbox }) as { outbox: DerivedEventEntry[] };
    if (outbox.length > 0) found.push({ sequenceNumber: data.SequenceNumber ?? '', entries: outbox });
  }
  return found;
}
