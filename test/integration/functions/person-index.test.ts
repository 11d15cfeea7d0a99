import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordStore } from '#functions/adapters/record-store.ts';
import { personGsiPk, RECORD_SK, type RecordItem, recordPk } from '#functions/adapters/store-items.ts';
import { ensureTable, localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { GSI1, RECORDS_TABLE } from '#local/emulators/table-definition.ts';

// The person index holds keys only: a person's look-up finds their records' ids from the keys, and nothing
// else of the items is in the index.

let emulator: DynamoDbEmulator;
let client: DynamoDBClient;
let store: RecordStore;

beforeAll(async () => {
  emulator = await startDynamoDb();
  client = localDynamoDbClient(emulator.endpoint);
  await ensureTable(client, RECORDS_TABLE);
  store = new RecordStore(client, RECORDS_TABLE.tableName);
});

afterAll(async () => {
  client?.destroy();
  await emulator?.close();
});

function recordOf(personKey: string, kind: string): RecordItem {
  const recordId = `${kind}:${randomUUID()}`;
  const at = '2026-11-26T10:00:00.000Z';
  return {
    pk: recordPk(recordId),
    sk: RECORD_SK,
    recordId,
    kind,
    version: 1,
    contentHash: 'h',
    record: { note: 'not in the index' },
    divisionCode: '330106',
    personKey,
    gsi1pk: personGsiPk(personKey),
    gsi1sk: `${kind}#${recordId}`,
    provenance: [],
    lastChange: { by: { submitterId: 'landlord-wang-fang', role: 'landlord' }, at },
    createdAt: at,
    updatedAt: at,
  };
}

describe('the person index (gsi1)', () => {
  it('is created keys only', async () => {
    // Act
    const { Table } = await client.send(new DescribeTableCommand({ TableName: RECORDS_TABLE.tableName }));

    // Assess
    const index = Table?.GlobalSecondaryIndexes?.find((found) => found.IndexName === GSI1);
    expect(index?.Projection?.ProjectionType).toBe('KEYS_ONLY');
  });

  it("gives the ids of a person's records, and no other person's", async () => {
    // Arrange
    const person = `pk-${randomUUID()}`;
    const someoneElse = `pk-${randomUUID()}`;
    const own = [recordOf(person, 'residence-registration'), recordOf(person, 'tenancy')];
    for (const item of [...own, recordOf(someoneElse, 'tenancy')]) await store.putRecord(item, 0);

    // Act
    const ids = await store.recordIdsOfPerson(person);

    // Assess
    expect(ids.sort()).toEqual(own.map((item) => item.recordId).sort());
  });

  it('gives no ids for a person without records', async () => {
    // Act
    const ids = await store.recordIdsOfPerson(`pk-${randomUUID()}`);

    // Assess
    expect(ids).toEqual([]);
  });
});
