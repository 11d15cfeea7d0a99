import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openChangeJournal } from '#local/emulators/change-journal.ts';
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

  describe('and a stream directory', () => {
    const changesAfterRestart = async (streamDir: string) => {
      const emulator = await startDynamoDb({ dataDir, streamDir });
      const delivered: DynamoDBRecord[] = [];
      emulator.changes.subscribe(
        async (records) => {
          delivered.push(...records);
        },
        { name: 'consumer' },
      );
      await emulator.changes.drain();
      await emulator.close();
      return delivered;
    };

    it('delivers again after a restart every change its consumer had not confirmed', async () => {
      // Prepare: a run whose consumer handles the first write, then stops before the second is delivered
      const streamDir = join(dataDir, 'stream');
      const first = await startDynamoDb({ dataDir, streamDir });
      const client = localDynamoDbClient(first.endpoint);
      await ensureTable(client);
      let handled = 0;
      first.changes.subscribe(
        async () => {
          handled += 1;
          if (handled > 1) await new Promise(() => {}); // never confirms: the process dies meanwhile
        },
        { name: 'consumer', maxBatchingWindowMs: 0 },
      );
      await client.send(new PutItemCommand({ TableName: TABLE, Item: { ...KEY, status: { S: 'open' } } }));
      await first.changes.drain();
      await client.send(new PutItemCommand({ TableName: TABLE, Item: { ...KEY, status: { S: 'closed' } } }));
      client.destroy();
      await first.close();

      // Act
      const delivered = await changesAfterRestart(streamDir);

      // Assess
      expect(delivered).toHaveLength(1);
      expect(delivered[0]).toMatchObject({
        eventName: 'MODIFY',
        dynamodb: { OldImage: { status: { S: 'open' } }, NewImage: { status: { S: 'closed' } } },
      });
      expect(await changesAfterRestart(streamDir)).toEqual([]);
    });

    it('publishes a write the process died in, between the store and the journal, from what it left', async () => {
      // Prepare: the journal began a write (the item did not exist), dynalite committed it, the journal never
      // heard back
      const streamDir = join(dataDir, 'stream');
      const first = await startDynamoDb({ dataDir, streamDir });
      const setup = localDynamoDbClient(first.endpoint);
      await ensureTable(setup);
      setup.destroy();
      const store = localDynamoDbClient(first.untappedEndpoint);
      await store.send(new PutItemCommand({ TableName: TABLE, Item: { ...KEY, status: { S: 'open' } } }));
      store.destroy();
      await first.close();
      const { journal } = openChangeJournal(streamDir);
      journal.begin([
        {
          tableName: TABLE,
          keys: KEY,
          oldImage: undefined,
          streamArn: `arn:aws:dynamodb:us-east-1:000000000000:table/${TABLE}/stream/2024-01-01T00:00:00.000`,
        },
      ]);
      journal.close();

      // Act
      const delivered = await changesAfterRestart(streamDir);

      // Assess
      expect(delivered).toHaveLength(1);
      expect(delivered[0]).toMatchObject({
        eventName: 'INSERT',
        dynamodb: { Keys: KEY, NewImage: { ...KEY, status: { S: 'open' } } },
      });
      expect(await changesAfterRestart(streamDir)).toEqual([]);
    });
  });
});
