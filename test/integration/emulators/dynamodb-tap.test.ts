import { randomUUID } from 'node:crypto';
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableNameOf } from '#local/emulators/change-feed.ts';
import { ensureTable, localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { GSI1, RECORDS_TABLE, type TableDefinition } from '#local/emulators/table-definition.ts';

const TABLE = RECORDS_TABLE.tableName;

let emulator: DynamoDbEmulator;
let client: DynamoDBClient;
const delivered: DynamoDBRecord[] = [];

beforeAll(async () => {
  emulator = await startDynamoDb({ port: 0 });
  client = localDynamoDbClient(emulator.endpoint);
  await ensureTable(client);
  emulator.changes.subscribe(
    async (records) => {
      delivered.push(...records);
    },
    { maxBatchingWindowMs: 5 },
  );
});

afterAll(async () => {
  client?.destroy();
  await emulator?.close();
});

/** A fresh item key, so each test reads only its own records. */
function newKey(): { pk: { S: string }; sk: { S: string } } {
  return { pk: { S: `test#${randomUUID()}` }, sk: { S: 'v0' } };
}

async function recordsFor(pk: string): Promise<DynamoDBRecord[]> {
  await emulator.changes.drain();
  return delivered.filter((record) => record.dynamodb?.Keys?.pk?.S === pk);
}

describe('DynamoDB emulator endpoint', () => {
  it('listens on the loopback interface only', () => {
    expect(emulator.address.address).toBe('127.0.0.1');
    expect(emulator.endpoint).toBe(`http://127.0.0.1:${emulator.address.port}`);
  });

  it('emits an INSERT shaped like a Lambda DynamoDB stream record for a new item', async () => {
    // Prepare
    const key = newKey();
    const item = { ...key, name: { S: 'first' }, count: { N: '1' }, tags: { SS: ['a', 'b'] } };

    // Act
    await client.send(new PutItemCommand({ TableName: TABLE, Item: item }));

    // Assess
    const [record, ...others] = await recordsFor(key.pk.S);
    expect(others).toEqual([]);
    expect(record).toMatchObject({
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: { Keys: key, NewImage: item, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    expect(record?.dynamodb?.OldImage).toBeUndefined();
    expect(record?.eventID).toMatch(/^[0-9a-f]{32}$/);
    expect(record?.dynamodb?.SequenceNumber).toMatch(/^\d{21}$/);
    expect(record?.dynamodb?.SizeBytes).toBeGreaterThan(0);
    expect(record?.dynamodb?.ApproximateCreationDateTime).toEqual(expect.any(Number));
    expect(record?.eventSourceARN).toMatch(
      /^arn:aws:dynamodb:us-east-1:000000000000:table\/records\/stream\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/,
    );
    expect(record && tableNameOf(record)).toBe(TABLE);
  });

  it('emits a MODIFY with both images when PutItem replaces an item, and nothing for an identical put', async () => {
    // Prepare
    const key = newKey();
    const first = { ...key, name: { S: 'first' } };
    const second = { ...key, name: { S: 'second' }, extra: { BOOL: true } };
    await client.send(new PutItemCommand({ TableName: TABLE, Item: first }));

    // Act
    await client.send(new PutItemCommand({ TableName: TABLE, Item: second }));
    const sameInAnotherOrder = { extra: { BOOL: true }, name: { S: 'second' }, sk: key.sk, pk: key.pk };
    await client.send(new PutItemCommand({ TableName: TABLE, Item: sameInAnotherOrder }));

    // Assess
    const records = await recordsFor(key.pk.S);
    expect(records.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY']);
    expect(records[1]?.dynamodb).toMatchObject({ OldImage: first, NewImage: second });
  });

  it('emits a MODIFY for UpdateItem, and nothing when the update leaves the item as it was', async () => {
    // Prepare
    const key = newKey();
    await client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key, status: { S: 'open' } } }));
    const setStatus = (status: string) =>
      new UpdateItemCommand({
        TableName: TABLE,
        Key: key,
        UpdateExpression: 'SET #status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': { S: status } },
      });

    // Act
    await client.send(setStatus('closed'));
    await client.send(setStatus('closed'));

    // Assess
    const records = await recordsFor(key.pk.S);
    expect(records.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY']);
    expect(records[1]?.dynamodb).toMatchObject({
      OldImage: { ...key, status: { S: 'open' } },
      NewImage: { ...key, status: { S: 'closed' } },
    });
  });

  it('emits an INSERT when UpdateItem creates the item', async () => {
    const key = newKey();

    await client.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: key,
        UpdateExpression: 'SET visits = :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );

    const records = await recordsFor(key.pk.S);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      eventName: 'INSERT',
      dynamodb: { NewImage: { ...key, visits: { N: '1' } } },
    });
  });

  it('emits a REMOVE with the old image for DeleteItem, and nothing for deleting a missing item', async () => {
    // Prepare
    const key = newKey();
    const item = { ...key, name: { S: 'gone soon' } };
    await client.send(new PutItemCommand({ TableName: TABLE, Item: item }));

    // Act
    await client.send(new DeleteItemCommand({ TableName: TABLE, Key: key }));
    await client.send(new DeleteItemCommand({ TableName: TABLE, Key: key }));

    // Assess
    const records = await recordsFor(key.pk.S);
    expect(records.map((record) => record.eventName)).toEqual(['INSERT', 'REMOVE']);
    expect(records[1]?.dynamodb?.OldImage).toEqual(item);
    expect(records[1]?.dynamodb?.NewImage).toBeUndefined();
    expect(records[1]?.dynamodb?.Keys).toEqual(key);
  });

  it('emits one record per changed item of a BatchWriteItem, in request order', async () => {
    // Prepare
    const pk = `test#${randomUUID()}`;
    const keyOf = (sk: string) => ({ pk: { S: pk }, sk: { S: sk } });
    const doomed = { ...keyOf('c'), name: { S: 'doomed' } };
    await client.send(new PutItemCommand({ TableName: TABLE, Item: doomed }));

    // Act
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [TABLE]: [
            { PutRequest: { Item: { ...keyOf('a'), name: { S: 'a' } } } },
            { DeleteRequest: { Key: keyOf('c') } },
            { PutRequest: { Item: { ...keyOf('b'), name: { S: 'b' } } } },
            { DeleteRequest: { Key: keyOf('never-existed') } },
          ],
        },
      }),
    );

    // Assess
    const records = (await recordsFor(pk)).slice(1);
    expect(records.map((record) => [record.eventName, record.dynamodb?.Keys?.sk?.S])).toEqual([
      ['INSERT', 'a'],
      ['REMOVE', 'c'],
      ['INSERT', 'b'],
    ]);
    expect(records[1]?.dynamodb?.OldImage).toEqual(doomed);
  });

  it('emits nothing for a write whose condition fails', async () => {
    // Prepare
    const key = newKey();
    await client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key, version: { N: '1' } } }));

    // Act
    const write = client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { ...key, version: { N: '2' } },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );

    // Assess
    await expect(write).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const records = await recordsFor(key.pk.S);
    expect(records.map((record) => record.eventName)).toEqual(['INSERT']);
  });

  it('keeps a consistent chain of images under concurrent writes to one item', async () => {
    // Prepare
    const key = newKey();
    const writers = 25;

    // Act
    await Promise.all(
      Array.from({ length: writers }, () =>
        client.send(
          new UpdateItemCommand({
            TableName: TABLE,
            Key: key,
            UpdateExpression: 'ADD hits :one',
            ExpressionAttributeValues: { ':one': { N: '1' } },
          }),
        ),
      ),
    );

    // Assess
    const records = await recordsFor(key.pk.S);
    expect(records).toHaveLength(writers);
    expect(records[0]?.eventName).toBe('INSERT');
    records.slice(1).forEach((record, index) => {
      const previous = records[index];
      expect(record.eventName).toBe('MODIFY');
      expect(record.dynamodb?.OldImage).toEqual(previous?.dynamodb?.NewImage);
      expect(BigInt(record.dynamodb?.SequenceNumber ?? 0)).toBeGreaterThan(
        BigInt(previous?.dynamodb?.SequenceNumber ?? 0),
      );
    });
    expect(records.map((record) => record.dynamodb?.NewImage?.hits?.N)).toEqual(
      Array.from({ length: writers }, (_, index) => String(index + 1)),
    );
  });

  it('answers queries on the gsi1 index', async () => {
    // Prepare
    const partition = `person#${randomUUID()}`;
    for (const sk of ['2024-01', '2024-02', '2023-12']) {
      await client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { ...newKey(), gsi1pk: { S: partition }, gsi1sk: { S: sk } },
        }),
      );
    }

    // Act
    const result = await client.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :year)',
        ExpressionAttributeValues: { ':pk': { S: partition }, ':year': { S: '2024' } },
      }),
    );

    // Assess
    expect(result.Items?.map((item) => item.gsi1sk?.S)).toEqual(['2024-01', '2024-02']);
  });

  it("passes dynalite's own validation errors through", async () => {
    const write = client.send(
      new PutItemCommand({ TableName: TABLE, Item: { pk: { N: '1' }, sk: { S: 'wrong key type' } } }),
    );

    await expect(write).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('rejects TransactWriteItems clearly instead of pretending', async () => {
    const key = newKey();

    const write = client.send(
      new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: TABLE, Item: key } }] }),
    );

    await expect(write).rejects.toMatchObject({
      name: 'UnknownOperationException',
      message: expect.stringContaining('TransactWriteItems is not supported by the local hub'),
    });
    const stored = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: key, ConsistentRead: true }),
    );
    expect(stored.Item).toBeUndefined();
  });

  it('delivers only the tables a subscription asks for', async () => {
    // Prepare
    const other: TableDefinition = { ...RECORDS_TABLE, tableName: `other-${randomUUID().slice(0, 8)}` };
    await ensureTable(client, other);
    const otherRecords: DynamoDBRecord[] = [];
    const unsubscribe = emulator.changes.subscribe(
      async (records) => {
        otherRecords.push(...records);
      },
      { tableNames: [other.tableName] },
    );
    const key = newKey();

    // Act
    await client.send(new PutItemCommand({ TableName: TABLE, Item: key }));
    await client.send(new PutItemCommand({ TableName: other.tableName, Item: key }));
    await emulator.changes.drain();
    unsubscribe();

    // Assess
    expect(otherRecords.map((record) => record && tableNameOf(record))).toEqual([other.tableName]);
  });

  it('hands records to onFailure once a failing listener exhausts its retries', async () => {
    // Prepare
    const failures: DynamoDBRecord[][] = [];
    let calls = 0;
    const unsubscribe = emulator.changes.subscribe(
      async () => {
        calls += 1;
        throw new Error('publisher down');
      },
      {
        maxRetryAttempts: 2,
        retryBaseDelayMs: 1,
        onFailure: ({ records }) => {
          failures.push(records);
        },
      },
    );
    const key = newKey();

    // Act
    await client.send(new PutItemCommand({ TableName: TABLE, Item: key }));
    await emulator.changes.drain();
    unsubscribe();

    // Assess
    expect(calls).toBe(3);
    expect(failures.flat().map((record) => record.dynamodb?.Keys)).toEqual([key]);
  });
});
