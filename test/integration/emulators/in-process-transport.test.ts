import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { PortClosedError, portRequestHandler } from '#local/emulators/in-process-transport.ts';
import { GSI1, RECORDS_TABLE } from '#local/emulators/table-definition.ts';

// The hub's own SDK clients reach the DynamoDB emulator's thread over a message port instead of loopback
// HTTP: the same answers, errors and change records as the endpoint gives.

const TABLE = RECORDS_TABLE.tableName;

let emulator: DynamoDbEmulator;
let overPort: DynamoDBClient;
let overHttp: DynamoDBClient;
const delivered: DynamoDBRecord[] = [];

beforeAll(async () => {
  emulator = await startDynamoDb();
  overPort = localDynamoDbClient(emulator.endpoint, {
    requestHandler: portRequestHandler(emulator.connect()),
  });
  overHttp = localDynamoDbClient(emulator.endpoint);
  await ensureTable(overPort);
  emulator.changes.subscribe(
    async (records) => {
      delivered.push(...records);
    },
    { maxBatchingWindowMs: 5 },
  );
});

afterAll(async () => {
  overPort?.destroy();
  overHttp?.destroy();
  await emulator?.close();
});

const itemOf = (pk: string, person: string) => ({
  pk: { S: pk },
  sk: { S: 'RECORD' },
  gsi1pk: { S: person },
  gsi1sk: { S: `tenancy#${pk}` },
  note: { S: '文三路 1 号' },
});

describe('SDK requests over the emulator port', () => {
  it('write through the tap: what is read over HTTP, and the change feed, show the write', async () => {
    // Arrange
    const pk = `REC#${randomUUID()}`;
    const person = `PERSON#${randomUUID()}`;

    // Act
    await overPort.send(new PutItemCommand({ TableName: TABLE, Item: itemOf(pk, person) }));
    const read = await overHttp.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: pk }, sk: { S: 'RECORD' } } }),
    );
    await emulator.changes.drain();

    // Assess
    expect(read.Item).toEqual(itemOf(pk, person));
    const record = delivered.find((change) => change.dynamodb?.Keys?.pk?.S === pk);
    expect(record?.eventName).toBe('INSERT');
    expect(record?.dynamodb?.NewImage).toEqual(itemOf(pk, person));
  });

  it('give the answers the HTTP endpoint gives', async () => {
    // Arrange
    const person = `PERSON#${randomUUID()}`;
    for (const n of [1, 2, 3]) {
      await overHttp.send(
        new PutItemCommand({ TableName: TABLE, Item: itemOf(`REC#${person}-${n}`, person) }),
      );
    }
    const query = () =>
      new QueryCommand({
        TableName: TABLE,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: person } },
      });

    // Act
    const [fromPort, fromHttp] = await Promise.all([overPort.send(query()), overHttp.send(query())]);

    // Assess
    expect(fromPort.Items).toHaveLength(3);
    expect(fromPort.Items).toEqual(fromHttp.Items);
    expect(fromPort.Count).toBe(fromHttp.Count);
  });

  it("answer a failed condition with the SDK's typed error, and store nothing", async () => {
    // Arrange
    const pk = `REC#${randomUUID()}`;
    await overPort.send(new PutItemCommand({ TableName: TABLE, Item: itemOf(pk, 'PERSON#a') }));

    // Act
    const second = overPort.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: itemOf(pk, 'PERSON#b'),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );

    // Assess
    await expect(second).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const read = await overPort.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: pk }, sk: { S: 'RECORD' } } }),
    );
    expect(read.Item?.gsi1pk?.S).toBe('PERSON#a');
  });

  it('answer every one of many requests at once, each with its own item', async () => {
    // Arrange
    const person = `PERSON#${randomUUID()}`;
    const keys = Array.from({ length: 300 }, (_, n) => `REC#${person}-${n}`);

    // Act
    await Promise.all(
      keys.map((pk) => overPort.send(new PutItemCommand({ TableName: TABLE, Item: itemOf(pk, person) }))),
    );
    const read = await Promise.all(
      keys.map((pk) =>
        overPort.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: pk }, sk: { S: 'RECORD' } } })),
      ),
    );

    // Assess
    expect(read.map((answer) => answer.Item?.pk?.S)).toEqual(keys);
  });
});

describe('a port whose emulator closed', () => {
  it('fails its requests with PortClosedError instead of leaving them waiting', async () => {
    // Arrange
    const own = await startDynamoDb();
    const client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: own.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      requestHandler: portRequestHandler(own.connect()),
      maxAttempts: 1,
    });
    await ensureTable(client);

    // Act
    await own.close();
    const after = client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'REC#x' }, sk: { S: 'RECORD' } } }),
    );

    // Assess
    await expect(after).rejects.toBeInstanceOf(PortClosedError);
    client.destroy();
  });
});
