import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChangeJournal, openChangeJournal } from '#local/emulators/change-journal.ts';
import { ensureTable, localDynamoDbClient } from '#local/emulators/clients.ts';
import { createDynaliteWire, type DynaliteWire } from '#local/emulators/dynalite-wire.ts';
import { createStreamTap } from '#local/emulators/stream-tap.ts';
import { RECORDS_TABLE } from '#local/emulators/table-definition.ts';

// With a journal the tap reads every old image before it forwards a write. When that read fails for a reason of
// the tap's own (a server error, not a refusal of the key), the write must not go through uncaptured:
// it is refused with a 500, which the SDK retries, so a stored item always has its change record.

const TABLE = RECORDS_TABLE.tableName;
const servers: http.Server[] = [];
const published: DynamoDBRecord[] = [];
let journal: ChangeJournal;
let journalDir: string;
let store: DynamoDBClient;
let tapped: DynamoDBClient;
let tapEndpoint: string;
/** The next this many GetItem reads of the tap fail with a server error. */
let failingReads = 0;

async function listen(server: http.Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const dynaliteServer = dynalite({ createTableMs: 0 });
  store = localDynamoDbClient(await listen(dynaliteServer));
  await ensureTable(store);
  const real = createDynaliteWire(dynaliteServer);
  const wire: DynaliteWire = {
    ...real,
    call(operation, input) {
      if (operation !== 'GetItem' || failingReads === 0) return real.call(operation, input);
      failingReads -= 1;
      return Promise.resolve({ status: 500, output: { __type: 'InternalFailure' } as never });
    },
  };
  journalDir = await mkdtemp(join(tmpdir(), 'tap-read-failure-'));
  journal = openChangeJournal(journalDir).journal;
  const tap = createStreamTap({
    wire,
    feed: { publish: (records) => void published.push(...records) },
    region: 'us-east-1',
    journal,
  });
  tapEndpoint = await listen(http.createServer(tap.listener));
  tapped = localDynamoDbClient(tapEndpoint, { maxAttempts: 1 });
});

afterAll(async () => {
  tapped?.destroy();
  store?.destroy();
  journal?.close();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  if (journalDir) await rm(journalDir, { recursive: true, force: true });
});

const item = (pk: string) => ({ pk: { S: pk }, sk: { S: 'RECORD' }, note: { S: 'stored' } });
const recordsOf = (pk: string) => published.filter((record) => record.dynamodb?.Keys?.pk?.S === pk);

describe('a write whose old image the tap could not read', () => {
  it('is refused with a 500 and not stored', async () => {
    // Prepare
    failingReads = 1;

    // Act
    const write = tapped.send(new PutItemCommand({ TableName: TABLE, Item: item('REC#refused') }));

    // Assess
    await expect(write).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    const { Item } = await store.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'REC#refused' }, sk: { S: 'RECORD' } } }),
    );
    expect(Item).toBeUndefined();
    expect(recordsOf('REC#refused')).toStrictEqual([]);
  });

  it('is stored with its change record once the caller tries again', async () => {
    // Prepare
    failingReads = 1;
    const retrying = localDynamoDbClient(tapEndpoint, { maxAttempts: 2 });

    // Act
    await retrying.send(new PutItemCommand({ TableName: TABLE, Item: item('REC#retried') }));
    retrying.destroy();

    // Assess
    expect(recordsOf('REC#retried').map((record) => record.eventName)).toStrictEqual(['INSERT']);
  });
});
