import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statsContribution, sumContributions } from '#domain/stats.ts';
import { StatsStore } from '#functions/adapters/stats-store.ts';
import { createStatsHandler } from '#functions/stats/handler.ts';
import { ensureTable, localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { RECORDS_TABLE } from '#local/emulators/table-definition.ts';
import { lambdaContext } from '#local/lambda-context.ts';
import { employment, facts, residence, sorted } from '../../unit/domain/stats-facts.ts';
import { profileRecord, sequenceNumber } from './profile-records.ts';
import { allCounters } from './stats-faults.ts';

let emulator: DynamoDbEmulator;
let client: DynamoDBClient;
const TABLE = 'stats-handler';

beforeAll(async () => {
  emulator = await startDynamoDb();
  client = localDynamoDbClient(emulator.untappedEndpoint);
  await ensureTable(client, { ...RECORDS_TABLE, tableName: TABLE });
});

afterAll(async () => {
  await emulator?.close();
});

const handler = () => createStatsHandler({ stats: new StatsStore(client, TABLE) });
const invoke = (records: DynamoDBRecord[], shardId = 'shardId-1') =>
  handler()({ Records: records, shardId, state: {} }, lambdaContext('stats'));

describe('statistics handler', () => {
  it('counts the profile changes before an unreadable image and reports that record as failed', async () => {
    // Prepare: a new person, a record item (not a profile), a person who moves, a broken profile, a newcomer
    const settled = facts({
      residences: [residence('330106', '2023-01-01')],
      employments: [employment('2023-01-05')],
    });
    const moved = facts({
      residences: [residence('330108', '2024-06-01')],
      employments: [employment('2023-01-05')],
    });
    const later = facts({ residences: [residence('330205', '2024-09-01')] });
    const broken = profileRecord(4, 'person-c', undefined, { version: 1, facts: settled });
    if (broken.dynamodb?.NewImage?.profile?.M) broken.dynamodb.NewImage.profile.M.residences = { S: 'oops' };
    const records: DynamoDBRecord[] = [
      profileRecord(1, 'person-a', undefined, { version: 1, facts: settled }),
      {
        eventName: 'INSERT',
        dynamodb: { Keys: { pk: { S: 'REC#x' }, sk: { S: 'RECORD' } }, SequenceNumber: sequenceNumber(2) },
      },
      profileRecord(3, 'person-b', { version: 1, facts: settled }, { version: 2, facts: moved }),
      broken,
      profileRecord(5, 'person-d', undefined, { version: 1, facts: later }),
    ];
    // person-b was counted before this batch
    await invoke([profileRecord(0, 'person-b', undefined, { version: 1, facts: settled })]);

    // Act
    const response = await invoke(records);

    // Assess: a and b (now in Gongshu) counted, d not yet: Lambda resumes from the broken record
    expect(response).toEqual({ state: {}, batchItemFailures: [{ itemIdentifier: sequenceNumber(4) }] });
    const expected = sumContributions([statsContribution(settled), statsContribution(moved)]);
    expect(sorted(await allCounters(client, TABLE))).toEqual(sorted(expected));
  });

  it('fails a batch without a shard id: the event source mapping lacks its tumbling window', async () => {
    await expect(invoke([], '')).rejects.toThrow(/tumbling window/);
  });
});
