import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ProblemDetails } from '#api/http-api.ts';
import type { ImportContentType, ImportEncoding, ImportStatus, ImportStatusName } from '#api/import-api.ts';
import type { SubmitterRole } from '#domain/permissions.ts';
import type { Department } from '#events/subscriptions.ts';
import type { RecordKind } from '#schemas/index.ts';
import { batchGetAll, documentClient } from './document-client.ts';

/*
 * The imports table: one status item per import (what, whose, which file, the progress counters) and one
 * item per chunk of rows that had errors (the lines of the error report, gzipped). The counters and the
 * number of rows processed change together in one conditional update per chunk, so a chunk is counted once
 * however often it runs. Items expire (TTL on `expiresAt`) with the uploaded file.
 *
 * The activity index (keys only) lists the imports an operator watches without a scan: a status item is under
 * `IMPORTS#ACTIVE` from its creation until it finishes, then under `IMPORTS#FINISHED#<UTC day>` sorted by when.
 * Its keys change twice per import, so the per-chunk counter updates never write the index.
 */

/** How long an import (its status, error report and file) is kept. */
export const IMPORT_RETENTION_DAYS = 30;
export const IMPORTS_TTL_ATTRIBUTE = 'expiresAt';
const STATUS_SK = 'STATUS';
/** The keys-only index of imports queued or running, and of imports finished by day. */
export const IMPORTS_ACTIVITY_INDEX = 'activity';
export const ACTIVITY_PK = 'activityPk';
export const ACTIVITY_SK = 'activitySk';
const ACTIVE = 'IMPORTS#ACTIVE';
const finishedOn = (at: string) => `IMPORTS#FINISHED#${at.slice(0, 10)}`;
const ERRORS_SK_PREFIX = 'ERRORS#';

export interface ImportCounts {
  accepted: number;
  unchanged: number;
  rejected: number;
}

export interface ImportItem extends ImportCounts {
  importId: string;
  kind: RecordKind;
  submitterId: string;
  role: SubmitterRole;
  /** The caller's claims its rows are judged by, as a submission's (domain/permissions.ts). */
  department?: Department;
  divisions?: string[];
  contentType: ImportContentType;
  fileName?: string;
  sheet?: string;
  encoding?: ImportEncoding;
  /** Where the file is (functions/adapters/import-files.ts). */
  fileKey: string;
  /** What the request that created the import sent, to tell a retry (same key) from a reuse of its key. */
  requestHash: string;
  status: ImportStatusName;
  /** Data rows of the file, once counted. */
  total?: number;
  /** Data rows with a result; always the end of a whole chunk. */
  processed: number;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  failure?: ProblemDetails;
}

/** The import as `GET /v1/imports/{importId}` answers it. */
export function importStatusOf(item: ImportItem): ImportStatus {
  return {
    importId: item.importId,
    kind: item.kind,
    status: item.status,
    total: item.total ?? null,
    processed: item.processed,
    accepted: item.accepted,
    unchanged: item.unchanged,
    rejected: item.rejected,
    startedAt: item.startedAt ?? null,
    finishedAt: item.finishedAt ?? null,
    ...(item.failure === undefined ? {} : { failure: item.failure }),
  };
}

export type NewImport = Omit<ImportItem, keyof ImportCounts | 'processed' | 'status'>;

const pkOf = (importId: string) => `IMPORT#${importId}`;
const errorsSk = (firstRowIndex: number) => `${ERRORS_SK_PREFIX}${String(firstRowIndex).padStart(9, '0')}`;
const expiresAt = (createdAt: string) =>
  Math.floor(Date.parse(createdAt) / 1000) + IMPORT_RETENTION_DAYS * 24 * 3600;

const toImportItem = (stored: Record<string, unknown>): ImportItem => {
  const {
    pk: _pk,
    sk: _sk,
    expiresAt: _expiresAt,
    [ACTIVITY_PK]: _apk,
    [ACTIVITY_SK]: _ask,
    ...item
  } = stored;
  return item as unknown as ImportItem;
};

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

export class ImportStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#doc = documentClient(client);
    this.#table = tableName;
  }

  /** Creates the import, or returns the one already stored under its id (a retry with the same key). */
  async create(fresh: NewImport): Promise<{ created: boolean; item: ImportItem }> {
    const item: ImportItem = {
      ...fresh,
      status: 'queued',
      processed: 0,
      accepted: 0,
      unchanged: 0,
      rejected: 0,
    };
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            pk: pkOf(item.importId),
            sk: STATUS_SK,
            ...item,
            expiresAt: expiresAt(item.createdAt),
            [ACTIVITY_PK]: ACTIVE,
            [ACTIVITY_SK]: `${item.createdAt}#${item.importId}`,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { created: true, item };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.get(item.importId);
      if (!existing) throw error;
      return { created: false, item: existing };
    }
  }

  async get(importId: string): Promise<ImportItem | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({
        TableName: this.#table,
        Key: { pk: pkOf(importId), sk: STATUS_SK },
        ConsistentRead: true,
      }),
    );
    return Item && toImportItem(Item);
  }

  /** Queued → running, with the row count; false when the import is no longer queued. */
  async start(importId: string, total: number, at: string): Promise<boolean> {
    return this.#update(importId, {
      UpdateExpression: 'SET #status = :running, #total = :total, startedAt = :at',
      ConditionExpression: '#status = :queued',
      ExpressionAttributeNames: { '#status': 'status', '#total': 'total' },
      ExpressionAttributeValues: { ':running': 'running', ':queued': 'queued', ':total': total, ':at': at },
    });
  }

  /**
   * Counts one chunk: `processed` moves from `from` to `to` and the counters grow by `counts`, in one
   * conditional update. False when `processed` is no longer `from` (the chunk was counted by another run).
   */
  async advance(importId: string, from: number, to: number, counts: ImportCounts): Promise<boolean> {
    return this.#update(importId, {
      UpdateExpression: 'SET #processed = :to ADD accepted :a, unchanged :u, rejected :r',
      ConditionExpression: '#status = :running AND #processed = :from',
      ExpressionAttributeNames: { '#status': 'status', '#processed': 'processed' },
      ExpressionAttributeValues: {
        ':running': 'running',
        ':from': from,
        ':to': to,
        ':a': counts.accepted,
        ':u': counts.unchanged,
        ':r': counts.rejected,
      },
    });
  }

  /** Done (every row has a result) or failed (with why); false when it had finished already. */
  async finish(importId: string, at: string, failure?: ProblemDetails): Promise<boolean> {
    return this.#update(importId, {
      UpdateExpression: `SET #status = :status, finishedAt = :at, #apk = :apk, #ask = :ask${failure ? ', failure = :failure' : ''}`,
      ConditionExpression: '#status IN (:queued, :running)',
      ExpressionAttributeNames: { '#status': 'status', '#apk': ACTIVITY_PK, '#ask': ACTIVITY_SK },
      ExpressionAttributeValues: {
        ':status': failure ? 'failed' : 'done',
        ':at': at,
        ':apk': finishedOn(at),
        ':ask': `${at}#${importId}`,
        ':queued': 'queued',
        ':running': 'running',
        ...(failure ? { ':failure': failure } : {}),
      },
    });
  }

  /** The error report lines of the chunk starting at data row `firstRowIndex`; rewriting it is harmless. */
  async putErrors(importId: string, firstRowIndex: number, lines: string, createdAt: string): Promise<void> {
    await this.#doc.send(
      new PutCommand({
        TableName: this.#table,
        Item: {
          pk: pkOf(importId),
          sk: errorsSk(firstRowIndex),
          lines: gzipSync(lines),
          expiresAt: expiresAt(createdAt),
        },
      }),
    );
  }

  /** The error report lines, chunk by chunk in row order. */
  async *errorLines(importId: string): AsyncGenerator<string> {
    const pages = paginateQuery(
      { client: this.#doc },
      {
        TableName: this.#table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :errors)',
        ExpressionAttributeValues: { ':pk': pkOf(importId), ':errors': ERRORS_SK_PREFIX },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) yield gunzipSync(item.lines as Uint8Array).toString('utf8');
    }
  }

  /** The ids of the imports not finished yet (a local hub starting up again resumes them; on AWS the job queue redelivers). */
  unfinished(): Promise<string[]> {
    return this.#activityKeys(ACTIVE);
  }

  /**
   * The imports queued or running and those finished since `since` (at most a day before `now`): a Query of the
   * activity index per partition (the active one, the finished days of the window), then the status items.
   */
  async activeOrFinishedSince(since: Date, now: Date): Promise<ImportItem[]> {
    const from = since.toISOString();
    const days = [...new Set([from, now.toISOString()].map(finishedOn))];
    const keys = await Promise.all([
      this.#activityKeys(ACTIVE),
      ...days.map((day) => this.#activityKeys(day, from)),
    ]);
    // An import that finished between two Queries may be under both partitions.
    return this.#statusItems([...new Set(keys.flat())]);
  }

  /** The import ids of one partition of the activity index, from sort key `from` on when given. */
  async #activityKeys(partition: string, from?: string): Promise<string[]> {
    const pages = paginateQuery(
      { client: this.#doc },
      {
        TableName: this.#table,
        IndexName: IMPORTS_ACTIVITY_INDEX,
        KeyConditionExpression: `#apk = :apk${from === undefined ? '' : ' AND #ask >= :from'}`,
        ExpressionAttributeNames: {
          '#apk': ACTIVITY_PK,
          ...(from === undefined ? {} : { '#ask': ACTIVITY_SK }),
        },
        ExpressionAttributeValues: { ':apk': partition, ...(from === undefined ? {} : { ':from': from }) },
      },
    );
    const ids: string[] = [];
    for await (const page of pages)
      for (const item of page.Items ?? []) ids.push(String(item.pk).slice(pkOf('').length));
    return ids;
  }

  /** The status items of these imports (BatchGetItem, what it leaves unprocessed asked again). */
  async #statusItems(importIds: readonly string[]): Promise<ImportItem[]> {
    const keys = importIds.map((id) => ({ pk: pkOf(id), sk: STATUS_SK }));
    return (await batchGetAll(this.#doc, this.#table, keys)).map(toImportItem);
  }

  async #update(
    importId: string,
    update: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>,
  ): Promise<boolean> {
    try {
      await this.#doc.send(
        new UpdateCommand({ TableName: this.#table, Key: { pk: pkOf(importId), sk: STATUS_SK }, ...update }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
