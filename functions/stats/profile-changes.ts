import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { z } from 'zod';
import type { StatsFacts } from '#domain/stats.ts';
import { PROFILE_SK } from '../adapters/profile-store.ts';

/** One committed change of a person's profile item, read from the table's stream. */
export interface ProfileChange {
  sequenceNumber: string;
  /** The facts before and after the write; undefined where the item did not exist. */
  before: StatsFacts | undefined;
  after: StatsFacts | undefined;
}

export interface ReadChanges {
  /** The profile changes before the first unreadable record, in stream order. */
  changes: ProfileChange[];
  /** The sequence number of the first record that could not be read (the batch resumes from it). */
  unreadable?: string;
}

const dated = z.iso.date();
/** Only what the statistics read of a profile (domain/stats.ts StatsFacts), checked before it is counted. */
const statsFacts = z.looseObject({
  residences: z.array(
    z.looseObject({
      divisionCode: z.string().regex(/^\d{6}$/),
      residenceType: z.string(),
      movedInOn: dated,
      movedOutOn: dated.optional(),
    }),
  ),
  departures: z.array(z.looseObject({ divisionCode: z.string(), movedOutOn: dated })),
  employments: z.array(
    z.looseObject({ startsOn: dated, endedOn: dated.optional(), endsOn: dated.optional() }),
  ),
  businessLicenses: z.array(z.looseObject({ registeredOn: dated, revokedOn: dated.optional() })),
  insurances: z.array(z.looseObject({ startedOn: dated, stoppedOn: dated.optional() })),
  schooling: z.array(z.looseObject({ enrolledOn: dated, leftOn: dated.optional() })),
  // A profile written before the permit's lists existed has none.
  applications: z
    .array(
      z.looseObject({ recordId: z.string(), divisionCode: z.string().regex(/^\d{6}$/), submittedOn: dated }),
    )
    .default([]),
  permits: z.array(z.looseObject({ applicationId: z.string().optional(), issuedOn: dated })).default([]),
});

/** The facts in one image of a profile item; undefined for no image, an error for an unreadable one. */
function factsOf(image: Record<string, unknown> | undefined): StatsFacts | undefined {
  if (image === undefined) return undefined;
  const { profile } = unmarshall(image as Record<string, AttributeValue>);
  // Checked are the fields the statistics read; the rest of the profile is not needed here.
  return statsFacts.parse(profile) as unknown as StatsFacts;
}

/**
 * The profile changes in a batch of stream records, in order. Other items of the table are passed over (the
 * event source's filter normally keeps them out). Reading stops at the first profile image that is not a
 * profile, so the caller can count what came before it and report that record as failed.
 */
export function profileChanges(records: readonly DynamoDBRecord[]): ReadChanges {
  const changes: ProfileChange[] = [];
  for (const record of records) {
    const data = record.dynamodb;
    if (data?.Keys?.sk?.S !== PROFILE_SK) continue;
    const sequenceNumber = data.SequenceNumber ?? '';
    try {
      changes.push({ sequenceNumber, before: factsOf(data.OldImage), after: factsOf(data.NewImage) });
    } catch {
      return { changes, unreadable: sequenceNumber };
    }
  }
  return { changes };
}
