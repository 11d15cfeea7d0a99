import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { RECORDS_TABLE, type TableDefinition } from '#local/emulators/table-definition.ts';

// The stream tap takes images from the writes themselves (forced ReturnValues, the request's own Item, one
// BatchGetItem): these tests hold it to answering every caller byte for byte as dynalite does, and to the
// images a consistent read before and after each write would have given.

const TABLE = RECORDS_TABLE.tableName;
const NUMERIC_TABLE: TableDefinition = {
  ...RECORDS_TABLE,
  tableName: 'numeric-keys',
  partitionKey: { name: 'pk', type: 'N' },
};

type Item = Record<string, Record<string, unknown>>;

let emulator: DynamoDbEmulator;
const delivered: DynamoDBRecord[] = [];

beforeAll(async () => {
  emulator = await startDynamoDb({ port: 0 });
  const client = localDynamoDbClient(emulator.endpoint);
  await ensureTable(client);
  await ensureTable(client, NUMERIC_TABLE);
  client.destroy();
  emulator.changes.subscribe(
    async (records) => {
      delivered.push(...records);
    },
    { maxBatchingWindowMs: 1 },
  );
});

afterAll(async () => {
  await emulator?.close();
});

interface WireAnswer {
  status: number;
  body: string;
  crc32: string | null;
}

/** A DynamoDB call on the wire, as any SDK sends it: the caller sees exactly these bytes. */
async function call(endpoint: string, operation: string, input: object): Promise<WireAnswer> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      'x-amz-date': '20000101T000000Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=local/20000101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0',
    },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: await response.text(), crc32: response.headers.get('x-amz-crc32') };
}

const tapped = (operation: string, input: object) => call(emulator.endpoint, operation, input);
const direct = (operation: string, input: object) => call(emulator.untappedEndpoint, operation, input);

async function stored(key: Item, tableName = TABLE): Promise<Item | undefined> {
  const answer = await direct('GetItem', { TableName: tableName, Key: key, ConsistentRead: true });
  return (JSON.parse(answer.body) as { Item?: Item }).Item;
}

async function recordsFor(pk: string): Promise<DynamoDBRecord[]> {
  await emulator.changes.drain();
  return delivered.filter((record) => record.dynamodb?.Keys?.pk?.S === pk);
}

const newPk = () => `images#${randomUUID()}`;
const keyOf = (pk: string) => ({ pk: { S: pk }, sk: { S: 'v0' } });
const original = { status: { S: 'open' }, count: { N: '1' }, tags: { SS: ['a'] } };

type Scenario = [name: string, operation: string, request: (key: Item) => object, existing: boolean];

const scenarios: Scenario[] = [];
for (const existing of [false, true]) {
  const state = existing ? 'an existing item' : 'a missing item';
  for (const returnValues of [undefined, 'NONE', 'ALL_OLD', 'ALL_NEW']) {
    scenarios.push([
      `PutItem on ${state}, ReturnValues ${returnValues}`,
      'PutItem',
      (key) => ({
        TableName: TABLE,
        Item: { ...key, status: { S: 'closed' }, count: { N: '2' } },
        ...(returnValues && { ReturnValues: returnValues }),
      }),
      existing,
    ]);
    scenarios.push([
      `DeleteItem on ${state}, ReturnValues ${returnValues}`,
      'DeleteItem',
      (key) => ({ TableName: TABLE, Key: key, ...(returnValues && { ReturnValues: returnValues }) }),
      existing,
    ]);
  }
  for (const returnValues of [
    undefined,
    'NONE',
    'ALL_OLD',
    'ALL_NEW',
    'UPDATED_OLD',
    'UPDATED_NEW',
    'BOGUS',
  ]) {
    scenarios.push([
      `UpdateItem on ${state}, ReturnValues ${returnValues}`,
      'UpdateItem',
      (key) => ({
        TableName: TABLE,
        Key: key,
        UpdateExpression: 'SET #status = :status ADD #count :one REMOVE tags',
        ExpressionAttributeNames: { '#status': 'status', '#count': 'count' },
        ExpressionAttributeValues: { ':status': { S: 'closed' }, ':one': { N: '1' } },
        ...(returnValues && { ReturnValues: returnValues }),
      }),
      existing,
    ]);
  }
}
scenarios.push(
  [
    'PutItem with ReturnConsumedCapacity',
    'PutItem',
    (key) => ({ TableName: TABLE, Item: { ...key, n: { N: '3' } }, ReturnConsumedCapacity: 'TOTAL' }),
    true,
  ],
  [
    'UpdateItem with ReturnConsumedCapacity',
    'UpdateItem',
    (key) => ({
      TableName: TABLE,
      Key: key,
      UpdateExpression: 'SET n = :n',
      ExpressionAttributeValues: { ':n': { N: '4' } },
      ReturnConsumedCapacity: 'INDEXES',
    }),
    true,
  ],
  [
    'PutItem whose condition fails',
    'PutItem',
    (key) => ({ TableName: TABLE, Item: key, ConditionExpression: 'attribute_not_exists(pk)' }),
    true,
  ],
  [
    'UpdateItem whose condition fails',
    'UpdateItem',
    (key) => ({
      TableName: TABLE,
      Key: key,
      UpdateExpression: 'SET n = :n',
      ConditionExpression: 'attribute_not_exists(pk)',
      ExpressionAttributeValues: { ':n': { N: '4' } },
      ReturnValues: 'ALL_NEW',
    }),
    true,
  ],
  [
    'PutItem with numbers dynalite rewrites',
    'PutItem',
    (key) => ({ TableName: TABLE, Item: { ...key, price: { N: '01.50' }, sizes: { NS: ['1e2', '-0'] } } }),
    true,
  ],
);

describe('stream tap images and answers', () => {
  it.each(scenarios)(
    '%s: the caller gets what dynalite answers, the stream the true images',
    async (_, operation, request, existing) => {
      // Prepare: the same state on two items, one written through the tap and one beside it
      const tappedPk = newPk();
      const directPk = newPk();
      if (existing) {
        await tapped('PutItem', { TableName: TABLE, Item: { ...keyOf(tappedPk), ...original } });
        await direct('PutItem', { TableName: TABLE, Item: { ...keyOf(directPk), ...original } });
      }
      const before = await stored(keyOf(tappedPk));
      const recordsBefore = (await recordsFor(tappedPk)).length;

      // Act
      const viaTap = await tapped(operation, request(keyOf(tappedPk)));
      const viaDynalite = await direct(operation, request(keyOf(directPk)));

      // Assess: the same answer, byte for byte, with a checksum that fits it
      expect(viaTap.status).toBe(viaDynalite.status);
      expect(viaTap.body).toBe(viaDynalite.body.replaceAll(directPk, tappedPk));
      expect(viaTap.crc32).toBe(String(crc32(Buffer.from(viaTap.body))));
      // ...and the stream record a read before and after the write would give
      const after = await stored(keyOf(tappedPk));
      const records = (await recordsFor(tappedPk)).slice(recordsBefore);
      if (JSON.stringify(before) === JSON.stringify(after)) {
        expect(records).toEqual([]);
      } else {
        expect(records).toHaveLength(1);
        expect(records[0]?.eventName).toBe(!before ? 'INSERT' : !after ? 'REMOVE' : 'MODIFY');
        expect(JSON.stringify(records[0]?.dynamodb?.OldImage)).toBe(JSON.stringify(before));
        expect(JSON.stringify(records[0]?.dynamodb?.NewImage)).toBe(JSON.stringify(after));
      }
    },
  );

  it('gives BatchWriteItem the old images of one batched read, and the stored form of each new item', async () => {
    // Prepare
    const pk = newPk();
    const key = (sk: string) => ({ pk: { S: pk }, sk: { S: sk } });
    const replaced = { ...key('replaced'), status: { S: 'open' } };
    const deleted = { ...key('deleted'), status: { S: 'open' } };
    const unchanged = { ...key('unchanged'), status: { S: 'same' } };
    for (const item of [replaced, deleted, unchanged])
      await tapped('PutItem', { TableName: TABLE, Item: item });
    const already = (await recordsFor(pk)).length;

    // Act
    const answer = await tapped('BatchWriteItem', {
      RequestItems: {
        [TABLE]: [
          { PutRequest: { Item: { ...key('replaced'), status: { S: 'closed' } } } },
          { DeleteRequest: { Key: key('deleted') } },
          { PutRequest: { Item: { ...key('new'), amount: { N: '2.50' } } } },
          { PutRequest: { Item: { status: { S: 'same' }, ...key('unchanged') } } },
          { DeleteRequest: { Key: key('missing') } },
        ],
      },
    });

    // Assess
    expect(answer).toMatchObject({ status: 200, body: '{"UnprocessedItems":{}}' });
    const records = (await recordsFor(pk)).slice(already);
    expect(records.map((record) => [record.eventName, record.dynamodb?.Keys?.sk?.S])).toEqual([
      ['MODIFY', 'replaced'],
      ['REMOVE', 'deleted'],
      ['INSERT', 'new'],
    ]);
    expect(records[0]?.dynamodb).toMatchObject({
      OldImage: replaced,
      NewImage: { ...key('replaced'), status: { S: 'closed' } },
    });
    expect(records[1]?.dynamodb?.OldImage).toEqual(deleted);
    expect(records[2]?.dynamodb?.NewImage).toEqual({ ...key('new'), amount: { N: '2.5' } });
  });

  it('matches old images to keys that dynalite stores in another form', async () => {
    // Prepare: a number key written as "7" and later addressed as "007"
    await tapped('PutItem', {
      TableName: NUMERIC_TABLE.tableName,
      Item: { pk: { N: '7' }, sk: { S: 'a' }, v: { S: 'one' } },
    });
    await emulator.changes.drain();
    const already = delivered.length;

    // Act
    await tapped('BatchWriteItem', {
      RequestItems: {
        [NUMERIC_TABLE.tableName]: [
          { PutRequest: { Item: { pk: { N: '007' }, sk: { S: 'a' }, v: { S: 'two' } } } },
          { PutRequest: { Item: { pk: { N: '8' }, sk: { S: 'a' }, v: { S: 'new' } } } },
        ],
      },
    });
    await emulator.changes.drain();

    // Assess
    const records = delivered.slice(already);
    expect(records.map((record) => record.eventName)).toEqual(['MODIFY', 'INSERT']);
    expect(records[0]?.dynamodb?.OldImage).toEqual({ pk: { N: '7' }, sk: { S: 'a' }, v: { S: 'one' } });
    expect(records[0]?.dynamodb?.NewImage).toEqual({ pk: { N: '7' }, sk: { S: 'a' }, v: { S: 'two' } });
    expect(await stored({ pk: { N: '7' }, sk: { S: 'a' } }, NUMERIC_TABLE.tableName)).toEqual(
      records[0]?.dynamodb?.NewImage,
    );
  });

  it('keeps a consistent chain of images under concurrent puts, deletes and batches on one item', async () => {
    // Prepare
    const pk = newPk();
    const key = keyOf(pk);
    const writes = Array.from({ length: 30 }, (_, index) => {
      if (index % 5 === 4) return () => tapped('DeleteItem', { TableName: TABLE, Key: key });
      if (index % 3 === 2) {
        return () =>
          tapped('BatchWriteItem', {
            RequestItems: { [TABLE]: [{ PutRequest: { Item: { ...key, n: { N: String(index) } } } }] },
          });
      }
      return () => tapped('PutItem', { TableName: TABLE, Item: { ...key, n: { N: String(index) } } });
    });

    // Act
    const answers = await Promise.all(writes.map((write) => write()));

    // Assess: every record's old image is the previous record's new image, and the last is what is stored
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const records = await recordsFor(pk);
    records.slice(1).forEach((record, index) => {
      expect(record.dynamodb?.OldImage).toEqual(records[index]?.dynamodb?.NewImage);
    });
    expect(records.at(-1)?.dynamodb?.NewImage).toEqual(await stored(key));
  });
});
