import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DynamoDBClient, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { AbstractLevel } from 'abstract-level';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureTable, localDynamoDbClient } from '#local/emulators/clients.ts';
import { RECORDS_TABLE } from '#local/emulators/table-definition.ts';

// dynalite 4.0.0 closed its store iterators with `iterator.return()`, which abstract-level 3's iterators do not
// have, so every Query and Scan left one open. An open iterator pins the LevelDB version it started on: the
// files compaction replaced were never deleted and the old memtables never freed (a 100,000-row import filled
// 15 GB of disk and 5.7 GB of memory). patches/dynalite+4.0.0.patch closes them; this proves it, on the
// in-memory store and on the LevelDB one alike, since both are abstract-level databases.

const TABLE = RECORDS_TABLE.tableName;
const PERSON = 'PERSON#330106199001010011';
const opened: { next(): Promise<unknown> }[] = [];
let server: http.Server;
let client: DynamoDBClient;

beforeAll(async () => {
  for (const method of ['keys', 'values', 'iterator'] as const) {
    const original = AbstractLevel.prototype[method] as (...args: unknown[]) => { next(): Promise<unknown> };
    vi.spyOn(AbstractLevel.prototype, method).mockImplementation(function (
      this: unknown,
      ...args: unknown[]
    ) {
      const iterator = original.apply(this, args);
      opened.push(iterator);
      return iterator as never;
    });
  }
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = localDynamoDbClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await ensureTable(client);
  for (let version = 1; version <= 12; version += 1) {
    await client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { pk: { S: PERSON }, sk: { S: `VERSION#${String(version).padStart(4, '0')}` } },
      }),
    );
  }
});

afterAll(async () => {
  vi.restoreAllMocks();
  client.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('dynalite store iterators', () => {
  it('are closed once a Query or Scan has answered, whether it read to the end or stopped at its Limit', async () => {
    // Prepare
    opened.length = 0;

    // Act
    const partial = await client.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: PERSON } },
        Limit: 2,
      }),
    );
    const whole = await client.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: PERSON } },
      }),
    );
    const scanned = await client.send(new ScanCommand({ TableName: TABLE, Limit: 5 }));

    // Assert: the reads answered as DynamoDB does, from iterators that are all closed by now
    expect(partial.Items).toHaveLength(2);
    expect(partial.LastEvaluatedKey).toBeDefined();
    expect(whole.Items).toHaveLength(12);
    expect(scanned.Items).toHaveLength(5);
    expect(opened.length).toBeGreaterThanOrEqual(3);
    await vi.waitFor(async () => {
      for (const iterator of opened) {
        await expect(iterator.next()).rejects.toMatchObject({ code: 'LEVEL_ITERATOR_NOT_OPEN' });
      }
    });
  });
});
