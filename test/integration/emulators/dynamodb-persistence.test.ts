import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureTable, localDynamoDbClient } from '#local/emulators/clients.ts';
import { startDynamoDb } from '#local/emulators/dynamodb.ts';
import { RECORDS_TABLE } from '#local/emulators/table-definition.ts';

const TABLE = RECORDS_TABLE.tableName;
const KEY = { pk: { S: 'person#1' }, sk: { S: 'registration' } };

describe('DynamoDB emulator with a data directory', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'rdh-dynamodb-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps tables and items across a restart, and streams changes against the restored item', async () => {
    // Prepare: a first run writes an item and stops
    const first = await startDynamoDb({ dataDir });
    const firstClient = localDynamoDbClient(first.endpoint);
    expect(await ensureTable(firstClient)).toBe('created');
    await firstClient.send(new PutItemCommand({ TableName: TABLE, Item: { ...KEY, status: { S: 'open' } } }));
    firstClient.destroy();
    await first.close();

    // Act: a second run on the same directory
    const second = await startDynamoDb({ dataDir });
    const secondClient = localDynamoDbClient(second.endpoint);
    const delivered: DynamoDBRecord[] = [];
    second.changes.subscribe(async (records) => {
      delivered.push(...records);
    });
    try {
      const tableOutcome = await ensureTable(secondClient);
      const restored = await secondClient.send(new GetItemCommand({ TableName: TABLE, Key: KEY }));
      await secondClient.send(
        new PutItemCommand({ TableName: TABLE, Item: { ...KEY, status: { S: 'closed' } } }),
      );
      await second.changes.drain();

      // Assess
      expect(tableOutcome).toBe('existed');
      expect(restored.Item).toEqual({ ...KEY, status: { S: 'open' } });
      expect(delivered).toHaveLength(1);
      expect(delivered[0]).toMatchObject({
        eventName: 'MODIFY',
        dynamodb: {
          OldImage: { ...KEY, status: { S: 'open' } },
          NewImage: { ...KEY, status: { S: 'closed' } },
        },
      });
    } finally {
      secondClient.destroy();
      await second.close();
    }
  });
});
