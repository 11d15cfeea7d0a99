import { randomUUID } from 'node:crypto';
import type { BatchWriteItemCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RecordStore } from '#functions/adapters/record-store.ts';
import { type HistoryItem, historySk, recordPk } from '#functions/adapters/store-items.ts';
import { ensureTable, localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { RECORDS_TABLE } from '#local/emulators/table-definition.ts';

// putHistories against dynalite, with a middleware that can play DynamoDB's throttling: leave part of a
// BatchWriteItem unprocessed, or fail the whole call.

let emulator: DynamoDbEmulator;
let client: DynamoDBClient;
let store: RecordStore;
/** Entry counts of the BatchWriteItem calls that reached the table. */
const batchCalls: number[] = [];
/** How the next BatchWriteItem calls misbehave. */
let plan: ('leave-half' | 'fail')[] = [];

beforeAll(async () => {
  emulator = await startDynamoDb();
  client = localDynamoDbClient(emulator.endpoint);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'BatchWriteItemCommand') return next(args);
      const input = args.input as BatchWriteItemCommandInput;
      const [table, requests = []] = Object.entries(input.RequestItems ?? {})[0] ?? [];
      const mode = plan.shift();
      if (mode === 'fail') throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
      if (mode !== 'leave-half' || !table) {
        batchCalls.push(requests.length);
        return next(args);
      }
      const kept = requests.slice(0, Math.ceil(requests.length / 2));
      batchCalls.push(kept.length);
      const result = await next({ ...args, input: { ...input, RequestItems: { [table]: kept } } });
      const output = result.output as { UnprocessedItems?: Record<string, unknown[]> };
      output.UnprocessedItems = { [table]: requests.slice(kept.length) };
      return result;
    },
    { step: 'initialize', name: 'playThrottling' },
  );
  await ensureTable(client, RECORDS_TABLE);
  store = new RecordStore(client, RECORDS_TABLE.tableName);
});

afterAll(async () => {
  client?.destroy();
  await emulator?.close();
});

beforeEach(() => {
  batchCalls.length = 0;
  plan = [];
});

function histories(count: number): HistoryItem[] {
  const recordId = `residence-registration:${randomUUID()}`;
  return Array.from({ length: count }, (_, index) => ({
    pk: recordPk(recordId),
    sk: historySk(index + 1),
    recordId,
    version: index + 1,
    at: '2026-03-01T08:00:00.000Z',
    by: { submitterId: 'landlord-1', role: 'landlord' },
    changedPaths: ['movedInOn'],
    record: { movedInOn: '2024-03-01', rooms: index },
  }));
}

describe('RecordStore.putHistories', () => {
  it('writes entries 25 per BatchWriteItem, and writing them again changes nothing', async () => {
    // Prepare
    const items = histories(60);

    // Act
    const failed = await store.putHistories(items);
    const again = await store.putHistories(items);

    // Assess
    expect(failed).toEqual([]);
    expect(again).toEqual([]);
    expect(batchCalls).toEqual([25, 25, 10, 25, 25, 10]);
    const stored = await store.getHistory(items[0]?.recordId ?? '');
    expect(stored).toEqual(items);
  });

  it('re-sends what DynamoDB left unprocessed until all is written', async () => {
    // Prepare
    const items = histories(20);
    plan = ['leave-half', 'leave-half'];

    // Act
    const failed = await store.putHistories(items, { baseDelayMs: 1 });

    // Assess
    expect(failed).toEqual([]);
    expect(batchCalls).toEqual([10, 5, 5]);
    expect(await store.getHistory(items[0]?.recordId ?? '')).toEqual(items);
  });

  it('returns the entries still unprocessed after the last attempt', async () => {
    // Prepare
    const items = histories(4);
    plan = ['leave-half', 'leave-half'];

    // Act
    const failed = await store.putHistories(items, { maxAttempts: 2, baseDelayMs: 1 });

    // Assess
    expect(failed).toEqual(items.slice(3));
    expect(await store.getHistory(items[0]?.recordId ?? '')).toEqual(items.slice(0, 3));
  });

  it('writes a chunk one by one when its call fails, so a bad entry fails alone', async () => {
    // Prepare
    const [first, second] = histories(2) as [HistoryItem, HistoryItem];
    const bad = { ...second, sk: 42 } as unknown as HistoryItem; // the table's sort key is a string
    plan = ['fail'];

    // Act
    const failed = await store.putHistories([first, bad, second], { baseDelayMs: 1 });

    // Assess
    expect(failed).toEqual([bad]);
    expect(await store.getHistory(first.recordId)).toEqual([first, second]);
  });

  it('writes one entry given twice once', async () => {
    const [item] = histories(1) as [HistoryItem];

    const failed = await store.putHistories([item, { ...item }]);

    expect(failed).toEqual([]);
    expect(batchCalls).toEqual([1]);
  });
});
