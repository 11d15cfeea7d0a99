// Stream records of profile items, as DynamoDB Streams (NEW_AND_OLD_IMAGES) hands them to the statistics
// consumer. Only the parts of a profile the statistics read are filled in.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { StatsFacts } from '#domain/stats.ts';

export interface ProfileVersion {
  version: number;
  facts: StatsFacts;
}

/** DynamoDB sequence numbers are 21 to 40 digits. */
export const sequenceNumber = (n: number): string => String(n).padStart(21, '0');

const image = (personKey: string, state: ProfileVersion | undefined) =>
  state &&
  (marshall(
    { pk: `PERSON#${personKey}`, sk: 'PROFILE', personKey, version: state.version, profile: state.facts },
    { removeUndefinedValues: true },
  ) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage']);

/** The stream record of one write of a person's profile item (before: none for an insert, after: none for a delete). */
export function profileRecord(
  seq: number,
  personKey: string,
  before: ProfileVersion | undefined,
  after: ProfileVersion | undefined,
): DynamoDBRecord {
  const oldImage = image(personKey, before);
  const newImage = image(personKey, after);
  return {
    eventID: `event-${seq}`,
    eventName: before === undefined ? 'INSERT' : after === undefined ? 'REMOVE' : 'MODIFY',
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: { pk: { S: `PERSON#${personKey}` }, sk: { S: 'PROFILE' } },
      ...(oldImage && { OldImage: oldImage }),
      ...(newImage && { NewImage: newImage }),
      SequenceNumber: sequenceNumber(seq),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
