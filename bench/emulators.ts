import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { ensureTable, localDynamoDbClient, localSqsClient } from '#local/emulators/clients.ts';
import { startDynamoDb } from '#local/emulators/dynamodb.ts';
import { portRequestHandler } from '#local/emulators/in-process-transport.ts';
import { createQueues, startSqs } from '#local/emulators/sqs.ts';
import { RECORDS_TABLE } from '#local/emulators/table-definition.ts';

// The emulators' own ceiling, with one SDK client each: whatever the hub's code adds comes on top.

export interface EmulatorBenchOptions {
  /** Measuring time per figure. @default 3000 */
  durationMs?: number;
}

export interface EmulatorBenchFigures {
  /**
   * Conditional PutItem (attribute_not_exists(pk)) per second at concurrency 32, through the stream tap over
   * a message port, as the hub's own clients send them.
   */
  dynamoDbPutsPerSecondWithTap: number;
  /** The same against dynalite directly, without the tap, over its HTTP port. */
  dynamoDbPutsPerSecondDirect: number;
  /** Change records the tap emitted per write during its run (1 = every write was seen once). */
  streamRecordsPerTappedPut: number;
  /** Messages per second sent with SendMessageBatch, 10 per batch, 8 batches in flight. */
  sqsMessagesPerSecondBatched: number;
}

const PUT_CONCURRENCY = 32;
const SQS_BATCH = 10;
const SQS_IN_FLIGHT = 8;
const WARM_UP_MS = 300;

export async function benchEmulators(options: EmulatorBenchOptions = {}): Promise<EmulatorBenchFigures> {
  const durationMs = options.durationMs ?? 3_000;
  const dynamoDb = await benchDynamoDb(durationMs);
  const sqsMessagesPerSecondBatched = await benchSqs(durationMs);
  const figures = { ...dynamoDb, sqsMessagesPerSecondBatched };
  const rate = (value: number) => `${Math.round(value).toLocaleString('en')}/s`;
  console.log(`emulators, one SDK client each, ${durationMs / 1000} s per figure:`);
  console.log(
    `  dynalite conditional PutItem, ${PUT_CONCURRENCY} in flight, through the stream tap (message port): ${rate(figures.dynamoDbPutsPerSecondWithTap)}` +
      ` (${figures.streamRecordsPerTappedPut.toFixed(2)} stream records per write)`,
  );
  console.log(
    `  dynalite conditional PutItem, ${PUT_CONCURRENCY} in flight, directly (HTTP):                  ${rate(figures.dynamoDbPutsPerSecondDirect)}`,
  );
  console.log(
    `  fauxqs SendMessageBatch, ${SQS_BATCH} per batch, ${SQS_IN_FLIGHT} in flight:              ${rate(figures.sqsMessagesPerSecondBatched)} messages`,
  );
  return figures;
}

async function benchDynamoDb(durationMs: number) {
  const emulator = await startDynamoDb();
  // Through the tap as the hub's own clients reach it (a message port); dynalite directly over its HTTP port.
  const tapped = localDynamoDbClient(emulator.endpoint, {
    requestHandler: portRequestHandler(emulator.connect()),
  });
  const direct = localDynamoDbClient(emulator.untappedEndpoint);
  let streamRecords = 0;
  // A listener, as in the hub, so records really flow through the feed.
  emulator.changes.subscribe(async (records) => {
    streamRecords += records.length;
  });
  try {
    await ensureTable(tapped);
    const conditionalPut = (client: typeof tapped) => async () => {
      await client.send(
        new PutItemCommand({
          TableName: RECORDS_TABLE.tableName,
          Item: { pk: { S: `bench#${randomUUID()}` }, sk: { S: 'v1' }, payload: { S: 'x'.repeat(200) } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 1;
    };
    await measure(WARM_UP_MS, PUT_CONCURRENCY, conditionalPut(tapped));
    await measure(WARM_UP_MS, PUT_CONCURRENCY, conditionalPut(direct));
    await emulator.changes.drain();
    streamRecords = 0;
    const withTap = await measure(durationMs, PUT_CONCURRENCY, conditionalPut(tapped));
    await emulator.changes.drain();
    const recordsPerPut = streamRecords / withTap.operations;
    const directRun = await measure(durationMs, PUT_CONCURRENCY, conditionalPut(direct));
    return {
      dynamoDbPutsPerSecondWithTap: withTap.perSecond,
      dynamoDbPutsPerSecondDirect: directRun.perSecond,
      streamRecordsPerTappedPut: recordsPerPut,
    };
  } finally {
    tapped.destroy();
    direct.destroy();
    await emulator.close();
  }
}

async function benchSqs(durationMs: number): Promise<number> {
  const emulator = await startSqs();
  const client = localSqsClient(emulator.endpoint);
  try {
    const { queueUrl } = (await createQueues(emulator.endpoint, ['bench'], { dlq: false })).bench ?? {};
    const body = JSON.stringify({ id: randomUUID(), detail: 'x'.repeat(200) });
    const sendBatch = async () => {
      const result = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Array.from({ length: SQS_BATCH }, (_, index) => ({ Id: `m${index}`, MessageBody: body })),
        }),
      );
      return result.Successful?.length ?? 0;
    };
    await measure(WARM_UP_MS, SQS_IN_FLIGHT, sendBatch);
    return (await measure(durationMs, SQS_IN_FLIGHT, sendBatch)).perSecond;
  } finally {
    client.destroy();
    await emulator.close();
  }
}

/** Runs `concurrency` loops of `operation` for `durationMs`; each call returns how many units it did. */
async function measure(durationMs: number, concurrency: number, operation: () => Promise<number>) {
  const started = performance.now();
  const deadline = started + durationMs;
  let operations = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const done = await operation(); // not `operations += await …`: that reads the total before awaiting
        operations += done;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { operations, perSecond: operations / seconds };
}

if (import.meta.main) await benchEmulators();
