import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { batchGetAll, documentClient, putIfVersion } from './document-client.ts';
import { type HistoryItem, personGsiPk, RECORD_SK, type RecordItem, recordPk } from './store-items.ts';

/** A write lost the race against another writer: re-read and decide again. */
export class VersionConflictError extends Error {
  constructor(recordId: string, options?: ErrorOptions) {
    super(`record ${recordId} changed since it was read`, options);
    this.name = 'VersionConflictError';
  }
}

/** BatchWriteItem takes at most 25 requests per call. */
const BATCH_WRITE_LIMIT = 25;

export interface BatchWriteOptions {
  /** BatchWriteItem calls per chunk, the first included, while DynamoDB leaves items unprocessed. @default 5 */
  maxAttempts?: number;
  /** Back-off before the first retry of unprocessed items, doubled for each further one. @default 50 */
  baseDelayMs?: number;
}

/** The shared DynamoDB table: current records, their history, person look-ups. No business rules here. */
export class RecordStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#doc = documentClient(client);
    this.#table = tableName;
  }

  async getRecord(recordId: string): Promise<RecordItem | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({
        TableName: this.#table,
        Key: { pk: recordPk(recordId), sk: RECORD_SK },
        ConsistentRead: true,
      }),
    );
    return Item as RecordItem | undefined;
  }

  /** Current items of many records at once (missing ones are absent from the map). */
  async getRecords(recordIds: readonly string[]): Promise<Map<string, RecordItem>> {
    const keys = [...new Set(recordIds)].map((id) => ({ pk: recordPk(id), sk: RECORD_SK }));
    const items = (await batchGetAll(this.#doc, this.#table, keys)) as unknown as RecordItem[];
    return new Map(items.map((item) => [item.recordId, item]));
  }

  /**
   * Writes a record item only if the stored version is still the one read (`expectedVersion`, 0 = new):
   * the single conditional write is the commit point, so concurrent writers never lose an update.
   */
  async putRecord(item: RecordItem, expectedVersion: number): Promise<void> {
    if (!(await putIfVersion(this.#doc, this.#table, { ...item }, expectedVersion))) {
      throw new VersionConflictError(item.recordId);
    }
  }

  /** History entries are keyed by version, so writing one twice (a redelivered change) is harmless. */
  async putHistory(item: HistoryItem): Promise<void> {
    await this.#doc.send(new PutCommand({ TableName: this.#table, Item: item }));
  }

  /**
   * Many history entries with BatchWriteItem, 25 per call, re-sending what DynamoDB leaves unprocessed with
   * back-off. A chunk whose call fails outright is written item by item, so one bad entry fails alone.
   * Idempotent like putHistory. Returns the entries that could not be written (empty when all were).
   */
  async putHistories(items: readonly HistoryItem[], options: BatchWriteOptions = {}): Promise<HistoryItem[]> {
    // One request may not name a key twice; the same entry twice is the same write.
    const unique = [...new Map(items.map((item) => [historyKeyOf(item), item])).values()];
    const chunks: HistoryItem[][] = [];
    for (let start = 0; start < unique.length; start += BATCH_WRITE_LIMIT) {
      chunks.push(unique.slice(start, start + BATCH_WRITE_LIMIT));
    }
    const failed = await Promise.all(chunks.map((chunk) => this.#putHistoryChunk(chunk, options)));
    return failed.flat();
  }

  async #putHistoryChunk(chunk: HistoryItem[], options: BatchWriteOptions): Promise<HistoryItem[]> {
    const maxAttempts = options.maxAttempts ?? 5;
    const baseDelayMs = options.baseDelayMs ?? 50;
    let pending = chunk;
    for (let attempt = 1; pending.length > 0 && attempt <= maxAttempts; attempt += 1) {
      if (attempt > 1) await sleep(baseDelayMs * 2 ** (attempt - 2));
      let unprocessed: unknown[];
      try {
        const out = await this.#doc.send(
          new BatchWriteCommand({
            RequestItems: { [this.#table]: pending.map((item) => ({ PutRequest: { Item: item } })) },
          }),
        );
        unprocessed = (out.UnprocessedItems?.[this.#table] ?? []).map((request) => request.PutRequest?.Item);
      } catch {
        return this.#putHistoriesOneByOne(pending);
      }
      const left = new Set(unprocessed.map((item) => historyKeyOf(item)));
      pending = pending.filter((item) => left.has(historyKeyOf(item)));
    }
    return pending;
  }

  async #putHistoriesOneByOne(items: HistoryItem[]): Promise<HistoryItem[]> {
    const outcomes = await Promise.allSettled(items.map((item) => this.putHistory(item)));
    return items.filter((_, index) => outcomes[index]?.status === 'rejected');
  }

  async getHistory(recordId: string): Promise<HistoryItem[]> {
    const out = await this.#doc.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ver)',
        ExpressionAttributeValues: { ':pk': recordPk(recordId), ':ver': 'VER#' },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []) as HistoryItem[];
  }

  /** Every current record about one person, found by personKey (never by the clear ID number). */
  async recordsOfPerson(personKey: string): Promise<RecordItem[]> {
    const items: RecordItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.#doc.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': personGsiPk(personKey) },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((out.Items ?? []) as RecordItem[]));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}

function historyKeyOf(item: unknown): string {
  const { pk, sk } = (item ?? {}) as { pk?: unknown; sk?: unknown };
  return `${String(pk)}\n${String(sk)}`;
}
