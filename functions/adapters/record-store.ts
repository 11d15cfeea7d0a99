import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { retryingRemainder } from '../runtime/retry.ts';
import { batchGetAll, documentClient, putIfVersion } from './document-client.ts';
import { BATCH_WRITE_ITEM_MAX_REQUESTS } from './service-limits.ts';
import {
  type HistoryItem,
  historySk,
  personGsiPk,
  RECORD_SK,
  type RecordItem,
  recordIdOfPk,
  recordPk,
} from './store-items.ts';

/** A write lost the race against another writer: re-read and decide again. */
export class VersionConflictError extends Error {
  constructor(recordId: string, options?: ErrorOptions) {
    super(`record ${recordId} changed since it was read`, options);
    this.name = 'VersionConflictError';
  }
}

/** Which current records a scan returns (every condition is a filter: the scan reads the whole segment). */
export interface CurrentRecordFilter {
  kinds?: readonly string[];
  /** Division code prefixes (2, 4 or 6 digits), any of them. */
  divisionPrefixes?: readonly string[];
  /** Only records whose current version was stored at or after this ISO time. */
  changedSince?: string;
}

/** Where a scan segment stands: its next page starts after this key; `null` when the segment is done. */
export type ScanPosition = Record<string, unknown> | null | undefined;

/** One put or delete of a BatchWriteItem call. */
type WriteRequest = NonNullable<BatchWriteCommandOutput['UnprocessedItems']>[string][number];

/** Enough for DynamoDB to take a burst of deletions; each retry sends only what it left unprocessed. */
const DELETE_RETRY = { attempts: 8, baseDelayMs: 25 } as const;

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
    for (let start = 0; start < unique.length; start += BATCH_WRITE_ITEM_MAX_REQUESTS) {
      chunks.push(unique.slice(start, start + BATCH_WRITE_ITEM_MAX_REQUESTS));
    }
    const failed = await Promise.all(chunks.map((chunk) => this.#putHistoryChunk(chunk, options)));
    return failed.flat();
  }

  async #putHistoryChunk(chunk: HistoryItem[], options: BatchWriteOptions): Promise<HistoryItem[]> {
    const failedAlone: HistoryItem[] = [];
    const unprocessed = await retryingRemainder(
      chunk,
      async (pending) => {
        try {
          const out = await this.#doc.send(
            new BatchWriteCommand({
              RequestItems: { [this.#table]: pending.map((item) => ({ PutRequest: { Item: item } })) },
            }),
          );
          const left = new Set(
            (out.UnprocessedItems?.[this.#table] ?? []).map((request) =>
              historyKeyOf(request.PutRequest?.Item),
            ),
          );
          return pending.filter((item) => left.has(historyKeyOf(item)));
        } catch {
          failedAlone.push(...(await this.#putHistoriesOneByOne(pending)));
          return [];
        }
      },
      { attempts: options.maxAttempts ?? 5, baseDelayMs: options.baseDelayMs ?? 50 },
    );
    return [...unprocessed, ...failedAlone];
  }

  async #putHistoriesOneByOne(items: readonly HistoryItem[]): Promise<HistoryItem[]> {
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

  /** One version's history entry (who, when, the record as it was). */
  async getHistoryEntry(recordId: string, version: number): Promise<HistoryItem | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({
        TableName: this.#table,
        Key: { pk: recordPk(recordId), sk: historySk(version) },
        ConsistentRead: true,
      }),
    );
    return Item as HistoryItem | undefined;
  }

  /**
   * One page of a parallel scan over the current-record items (DynamoDB's Segment/TotalSegments): a backfill
   * reads the source of truth page by page and can resume from `next`. Filters cost nothing in reads saved.
   */
  async scanCurrentRecords(
    segment: { index: number; total: number; after?: Record<string, unknown> | undefined },
    filter: CurrentRecordFilter = {},
  ): Promise<{ items: RecordItem[]; scanned: number; next: ScanPosition }> {
    const conditions = ['sk = :record'];
    const values: Record<string, unknown> = { ':record': RECORD_SK };
    if (filter.kinds !== undefined && filter.kinds.length > 0) {
      conditions.push(`kind IN (${filter.kinds.map((_, i) => `:kind${i}`).join(', ')})`);
      filter.kinds.forEach((kind, i) => {
        values[`:kind${i}`] = kind;
      });
    }
    if (filter.divisionPrefixes !== undefined && filter.divisionPrefixes.length > 0) {
      const prefixes = filter.divisionPrefixes.map((_, i) => `begins_with(divisionCode, :division${i})`);
      conditions.push(`(${prefixes.join(' OR ')})`);
      filter.divisionPrefixes.forEach((prefix, i) => {
        values[`:division${i}`] = prefix;
      });
    }
    if (filter.changedSince !== undefined) {
      conditions.push('updatedAt >= :since');
      values[':since'] = filter.changedSince;
    }
    const out = await this.#doc.send(
      new ScanCommand({
        TableName: this.#table,
        Segment: segment.index,
        TotalSegments: segment.total,
        ExclusiveStartKey: segment.after,
        FilterExpression: conditions.join(' AND '),
        ExpressionAttributeValues: values,
      }),
    );
    return {
      items: (out.Items ?? []) as RecordItem[],
      scanned: out.ScannedCount ?? 0,
      next: out.LastEvaluatedKey ?? null,
    };
  }

  /** One page of the history entries stored between two ISO times (`from` ≤ at < `to`), for a local replay. */
  async scanHistory(
    range: { from: string; to: string },
    after?: Record<string, unknown>,
  ): Promise<{ items: HistoryItem[]; next: Record<string, unknown> | undefined }> {
    const out = await this.#doc.send(
      new ScanCommand({
        TableName: this.#table,
        ExclusiveStartKey: after,
        FilterExpression: 'begins_with(sk, :ver) AND #at >= :from AND #at < :to',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: { ':ver': 'VER#', ':from': range.from, ':to': range.to },
      }),
    );
    return { items: (out.Items ?? []) as HistoryItem[], next: out.LastEvaluatedKey };
  }

  /**
   * Deletes a record with its whole history: for the smoke test's own record only (`hub smoke` removes what it
   * wrote). Records are never deleted otherwise. Returns how many items went.
   */
  async deleteRecord(recordId: string): Promise<number> {
    const { Items = [] } = await this.#doc.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': recordPk(recordId) },
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
      }),
    );
    for (let start = 0; start < Items.length; start += BATCH_WRITE_ITEM_MAX_REQUESTS) {
      const requests: WriteRequest[] = Items.slice(start, start + BATCH_WRITE_ITEM_MAX_REQUESTS).map(
        (key) => ({
          DeleteRequest: { Key: { pk: key.pk, sk: key.sk } },
        }),
      );
      const undone = await retryingRemainder(
        requests,
        async (pending) => {
          const out: BatchWriteCommandOutput = await this.#doc.send(
            new BatchWriteCommand({ RequestItems: { [this.#table]: [...pending] } }),
          );
          return out.UnprocessedItems?.[this.#table] ?? [];
        },
        DELETE_RETRY,
      );
      if (undone.length > 0) throw new Error(`BatchWriteItem left ${undone.length} deletions unprocessed`);
    }
    return Items.length;
  }

  /**
   * The ids of every record about one person, found by personKey (never by the clear ID number). The person
   * index holds keys only and is eventually consistent: read the records themselves with getRecords.
   */
  async recordIdsOfPerson(personKey: string): Promise<string[]> {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.#doc.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': personGsiPk(personKey) },
          ProjectionExpression: 'pk',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        const recordId = recordIdOfPk(String(item.pk));
        if (recordId !== undefined) ids.push(recordId);
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return ids;
  }
}

function historyKeyOf(item: unknown): string {
  const { pk, sk } = (item ?? {}) as { pk?: unknown; sk?: unknown };
  return `${String(pk)}\n${String(sk)}`;
}
