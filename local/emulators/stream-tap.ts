import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { DynamoDBRecord } from 'aws-lambda';
import { BATCH_GET_ITEM_MAX_KEYS } from '#functions/adapters/service-limits.ts';
import type { ChangeJournal, PendingItem } from './change-journal.ts';
import { type DynaliteWire, responseHeaders, type UpstreamResponse } from './dynalite-wire.ts';
import { createKeyLocks } from './key-locks.ts';
import { LOCAL_ACCOUNT_ID, partitionOf } from './local-account.ts';
import { isStoredForm } from './stored-form.ts';
import { createStreamRecordFactory, type Item, type ItemChange } from './stream-records.ts';
import {
  isObject,
  parseJson,
  pickKey,
  singleWritePlan,
  tableNameIn,
  withoutAttributes,
  writtenItems,
} from './write-requests.ts';

// The DynamoDB endpoint the local hub hands out. It forwards every request to dynalite and, for item writes,
// captures each affected item's image before and after the write (under a per-item lock, so concurrent
// writers cannot interleave) and publishes a stream record for every item that really changed, before
// answering the client. dynalite has no streams; this is them.
//
// Images come from the write itself wherever dynalite can give them atomically: PutItem and DeleteItem are
// sent with ReturnValues ALL_OLD (the old image) and PutItem's new image is its own Item when dynalite stores
// it as sent; UpdateItem is sent with ALL_NEW and only its old image is read first. BatchWriteItem reads all
// old images with one BatchGetItem. The caller still gets exactly the answer it asked for: Attributes it did
// not ask for are taken out again. Anything else falls back to consistent reads before and after the write.
//
// With a journal (a hub that keeps its data), every old image is read before the write and journalled with
// the write's items before it is forwarded, and the change records are journalled before the answer, so a
// kill -9 at any moment loses no change (change-journal.ts). A write whose old images cannot be read (dynalite
// answers a read with a server error, say) is refused with a 500, which the SDK retries, rather than forwarded
// uncaptured.

const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
const TABLE_OPERATIONS = new Set(['CreateTable', 'DeleteTable', 'UpdateTable']);
const UNSUPPORTED_OPERATIONS: Record<string, string> = {
  TransactWriteItems: 'transactions',
  TransactGetItems: 'transactions',
  ExecuteStatement: 'PartiQL',
  BatchExecuteStatement: 'PartiQL',
  ExecuteTransaction: 'PartiQL',
};

/** Where the tap's change records go (the change feed, or the thread that runs it); awaited before answering. */
export interface ChangeSink {
  publish(records: readonly DynamoDBRecord[]): void | Promise<void>;
}

export interface StreamTapOptions {
  wire: DynaliteWire;
  feed: ChangeSink;
  region: string;
  /** Makes the changes durable; see change-journal.ts. */
  journal?: ChangeJournal;
  /** The journal's last sequence number, which new records must exceed. */
  lastSequenceNumber?: string;
}

export interface StreamTap {
  listener: RequestListener;
  /**
   * The change records of writes a crash interrupted: what each left (read now) against its images before.
   * Journalled like any write's; call before the tap takes requests.
   */
  settleInterrupted(
    writes: readonly { id: number; items: readonly PendingItem[] }[],
  ): Promise<DynamoDBRecord[]>;
}

/** Journals a write's items and their images before it is forwarded (given only with a journal). */
type BeginWrite = (oldImages: readonly (Item | undefined)[]) => void;

interface TableInfo {
  keyNames: string[];
  streamArn: string;
}

interface WriteTarget {
  tableName: string;
  table: TableInfo;
  key: Item;
  lockKey: string;
  /** The Item of a put (PutItem, PutRequest); undefined for updates and deletes. */
  putItem: unknown;
}

/** An item's images around a write, and the stream its record goes to. */
type StreamChange = ItemChange & { streamArn: string };

interface ImagePair {
  oldImage: Item | undefined;
  newImage: Item | undefined;
}

/** What dynalite answered, and how to get the images of what it committed (absent when nothing was). */
interface ForwardedWrite {
  upstream: UpstreamResponse;
  images?: () => Promise<ImagePair[]>;
}

interface TableDescriptionWire {
  Table?: { KeySchema: { AttributeName: string }[]; CreationDateTime: number };
}

interface BatchGetItemWire {
  Responses?: Record<string, Item[]>;
  UnprocessedKeys?: Record<string, { Keys: Item[]; ConsistentRead?: boolean }>;
}

class ReadBeforeWriteFailed extends Error {
  override readonly name = 'ReadBeforeWriteFailed';
}

/** dynalite refused a read as a client error (a key of the wrong type, say): it refuses the write too. */
class ReadRejected extends Error {
  override readonly name = 'ReadRejected';
}

/**
 * The old images could not be read for a reason other than the key (a server error, a failed call): the
 * write is not forwarded, and its caller gets a 500 and tries again, instead of a write whose change is lost.
 */
function rejectedReadOnly(error: unknown): undefined {
  if (error instanceof ReadRejected) return undefined;
  throw error;
}

export function createStreamTap({
  wire,
  feed,
  region,
  journal,
  lastSequenceNumber,
}: StreamTapOptions): StreamTap {
  const locks = createKeyLocks();
  const records = createStreamRecordFactory(region, lastSequenceNumber);
  const tables = new Map<string, Promise<TableInfo | undefined>>();

  function tableInfo(tableName: string): Promise<TableInfo | undefined> {
    let info = tables.get(tableName);
    if (!info) {
      info = describeTable(tableName);
      tables.set(tableName, info);
      // Only remember tables that exist; a missing one may be created later.
      info.then(
        (found) => found || tables.delete(tableName),
        () => tables.delete(tableName),
      );
    }
    return info;
  }

  async function describeTable(tableName: string): Promise<TableInfo | undefined> {
    const { status, output } = await wire.call<TableDescriptionWire>('DescribeTable', {
      TableName: tableName,
    });
    if (status !== 200 || !output.Table) return undefined;
    // The stream label is the table's creation time, as DynamoDB's are.
    const label = new Date(output.Table.CreationDateTime * 1000).toISOString().replace('Z', '');
    return {
      keyNames: output.Table.KeySchema.map((key) => key.AttributeName),
      streamArn: `arn:${partitionOf(region)}:dynamodb:${region}:${LOCAL_ACCOUNT_ID}:table/${tableName}/stream/${label}`,
    };
  }

  async function writeTargets(operation: string, input: unknown): Promise<WriteTarget[] | undefined> {
    const written = writtenItems(operation, input);
    if (!written) return undefined;
    const targets: WriteTarget[] = [];
    for (const { tableName, item, put } of written) {
      const table = await tableInfo(tableName);
      const key = table && pickKey(item, table.keyNames);
      if (!table || !key) return undefined; // dynalite will reject the request itself
      targets.push({
        tableName,
        table,
        key,
        lockKey: lockKeyOf(tableName, table, key),
        putItem: put ? item : undefined,
      });
    }
    return targets;
  }

  async function readItem({ tableName, key }: { tableName: string; key: Item }): Promise<Item | undefined> {
    const { status, output } = await wire.call<{ Item?: Item }>('GetItem', {
      TableName: tableName,
      Key: key,
      ConsistentRead: true,
    });
    if (status !== 200) throw readFailure(`GetItem on ${tableName}`, status);
    return output.Item;
  }

  /** Consistent reads of many items: BatchGetItem, matched back to the targets by key. */
  async function readItems(targets: readonly WriteTarget[]): Promise<(Item | undefined)[]> {
    // Answers are matched by their key's JSON, which equals the request's only when dynalite stores it as sent.
    if (targets.length === 1 || !targets.every((target) => isStoredForm(target.key))) {
      return Promise.all(targets.map(readItem));
    }
    const unique = [...new Map(targets.map((target) => [target.lockKey, target])).values()];
    const tablesByName = new Map(unique.map((target) => [target.tableName, target.table]));
    const found = new Map<string, Item>();
    for (let start = 0; start < unique.length; start += BATCH_GET_ITEM_MAX_KEYS) {
      let requestItems: BatchGetItemWire['UnprocessedKeys'] = {};
      for (const target of unique.slice(start, start + BATCH_GET_ITEM_MAX_KEYS)) {
        requestItems[target.tableName] ??= { Keys: [], ConsistentRead: true };
        requestItems[target.tableName]?.Keys.push(target.key);
      }
      while (requestItems && Object.keys(requestItems).length > 0) {
        const answer: { status: number; output: BatchGetItemWire } = await wire.call('BatchGetItem', {
          RequestItems: requestItems,
        });
        if (answer.status !== 200) throw readFailure('BatchGetItem', answer.status);
        for (const [tableName, items] of Object.entries(answer.output.Responses ?? {})) {
          const table = tablesByName.get(tableName);
          for (const item of items) {
            const key = table && pickKey(item, table.keyNames);
            if (table && key) found.set(lockKeyOf(tableName, table, key), item);
          }
        }
        requestItems = answer.output.UnprocessedKeys;
      }
    }
    return targets.map((target) => found.get(target.lockKey));
  }

  async function writeSingle(
    request: IncomingMessage,
    body: Buffer,
    input: Record<string, unknown>,
    operation: string,
    target: WriteTarget,
    begin: BeginWrite | undefined,
  ): Promise<ForwardedWrite> {
    const plan = singleWritePlan(operation, input.ReturnValues, { readOldImage: begin !== undefined });
    const before =
      plan.oldImage === 'read'
        ? await readItem(target).then((item) => ({ item }), rejectedReadOnly)
        : undefined;
    if (before) begin?.([before.item]);
    const sent = plan.forceReturnValues
      ? Buffer.from(JSON.stringify({ ...input, ReturnValues: plan.forceReturnValues }))
      : body;
    const upstream = await forward(request, sent);
    if (upstream.status !== 200) return { upstream }; // failed or conditional check failed: nothing changed
    const usesAnswer = plan.oldImage === 'response' || plan.newImage === 'response';
    const output = usesAnswer ? parseJson(upstream.body) : undefined;
    const attributes =
      isObject(output) && isObject(output.Attributes) ? (output.Attributes as Item) : undefined;
    return {
      upstream: plan.forceReturnValues && attributes ? withoutAttributes(upstream, output) : upstream,
      images: async () => {
        // A key the read rejected (wrong type, say) makes dynalite reject the write too, with its own error.
        if (plan.oldImage === 'read' && !before) throw new ReadBeforeWriteFailed();
        if (usesAnswer && !isObject(output)) throw new Error(`${operation} answered with no JSON object`);
        const oldImage = plan.oldImage === 'response' ? attributes : before?.item;
        let newImage: Item | undefined;
        if (plan.newImage === 'response' && attributes) newImage = attributes;
        else if (plan.newImage === 'request' && isStoredForm(target.putItem)) newImage = target.putItem;
        else if (plan.newImage !== 'none') newImage = await readItem(target);
        return [{ oldImage, newImage }];
      },
    };
  }

  async function writeBatch(
    request: IncomingMessage,
    body: Buffer,
    targets: readonly WriteTarget[],
    begin: BeginWrite | undefined,
  ): Promise<ForwardedWrite> {
    const before = await readItems(targets).catch(rejectedReadOnly);
    if (before) begin?.(before);
    const upstream = await forward(request, body);
    if (upstream.status !== 200) return { upstream };
    return {
      upstream,
      images: async () => {
        if (!before) throw new ReadBeforeWriteFailed();
        // dynalite writes every item or fails the call, but a real UnprocessedItems entry was not written.
        const unprocessed = await unprocessedLockKeys(parseJson(upstream.body));
        const rereads = targets.filter(
          (target) =>
            !unprocessed.has(target.lockKey) && target.putItem !== undefined && !isStoredForm(target.putItem),
        );
        const rereadItems = rereads.length > 0 ? await readItems(rereads) : [];
        const reread = new Map(rereads.map((target, index) => [target, rereadItems[index]]));
        return targets.map((target, index) => {
          const oldImage = before[index];
          if (unprocessed.has(target.lockKey)) return { oldImage, newImage: oldImage };
          if (target.putItem === undefined) return { oldImage, newImage: undefined };
          const newImage = reread.has(target) ? reread.get(target) : (target.putItem as Item);
          return { oldImage, newImage };
        });
      },
    };
  }

  async function unprocessedLockKeys(output: unknown): Promise<Set<string>> {
    const keys = new Set<string>();
    if (!isObject(output) || !isObject(output.UnprocessedItems)) return keys;
    const unprocessed = writtenItems('BatchWriteItem', { RequestItems: output.UnprocessedItems }) ?? [];
    for (const { tableName, item } of unprocessed) {
      const table = await tableInfo(tableName);
      const key = table && pickKey(item, table.keyNames);
      if (table && key) keys.add(lockKeyOf(tableName, table, key));
    }
    return keys;
  }

  async function forwardWrite(
    request: IncomingMessage,
    body: Buffer,
    operation: string,
  ): Promise<UpstreamResponse> {
    const input = parseJson(body);
    const targets = await writeTargets(operation, input);
    if (!targets || !isObject(input)) return forward(request, body);
    const release = await locks.acquireAll(targets.map((target) => target.lockKey));
    // The journal's record of this write, once begun; a write that dies before its commit stays open in it.
    let begun: { id: number; items: PendingItem[] } | undefined;
    const begin: BeginWrite | undefined =
      journal &&
      ((oldImages) => {
        const items = targets.map((target, index) => ({
          tableName: target.tableName,
          keys: target.key,
          oldImage: oldImages[index],
          streamArn: target.table.streamArn,
        }));
        begun = { id: journal.begin(items), items };
      });
    try {
      const written =
        operation === 'BatchWriteItem'
          ? await writeBatch(request, body, targets, begin)
          : await writeSingle(request, body, input, operation, targets[0] as WriteTarget, begin);
      let changes: StreamChange[] | undefined = [];
      if (written.images) {
        try {
          const images = await written.images();
          changes = targets.map((target, index) => ({
            tableName: target.tableName,
            keys: target.key,
            streamArn: target.table.streamArn,
            ...(images[index] as ImagePair),
          }));
        } catch (error) {
          // With a journal, what the write left is read again, as after a crash.
          changes = begun && (await changesNow(begun.items).catch(() => undefined));
          // Otherwise the write is committed but its stream record is lost (or, journalled, kept open until the
          // next start settles it). Say so without item data.
          if (!changes) {
            const kept = begun ? ' (settled on the next start)' : '';
            console.error(
              `[stream-tap] ${operation} committed but its change could not be captured${kept}: ${errorName(error)}`,
            );
          }
        }
      }
      if (!changes) return written.upstream;
      // Numbered, journalled and handed to the feed in one turn: records reach the feed in sequence order, so a
      // consumer's checkpoint never passes a record it has not had.
      const changed = toRecords(changes);
      if (begun) journal?.commit(begun.id, changed);
      if (changed.length > 0) await feed.publish(changed);
      return written.upstream;
    } finally {
      release();
    }
  }

  /** The changes of a journalled write whose own images are unknown: its items now against their images before. */
  async function changesNow(items: readonly PendingItem[]): Promise<StreamChange[]> {
    const now = await Promise.all(
      items.map((item) => readItem({ tableName: item.tableName, key: item.keys })),
    );
    return items.map((item, index) => ({ ...item, newImage: now[index] }));
  }

  /** Stream records (with their sequence numbers) of the changes that changed something. */
  function toRecords(changes: readonly StreamChange[]): DynamoDBRecord[] {
    return changes.flatMap((change) => records.toRecord(change, change.streamArn) ?? []);
  }

  function forward(request: IncomingMessage, body: Buffer): Promise<UpstreamResponse> {
    return wire.forward(request.method ?? 'POST', request.url ?? '/', request.headers, body);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const operation = operationOf(request.headers['x-amz-target']);
    const unsupported = UNSUPPORTED_OPERATIONS[operation];
    if (unsupported) {
      sendError(
        response,
        'UnknownOperationException',
        `${operation} is not supported by the local hub: dynalite 4.0.0 has no ${unsupported}`,
      );
      return;
    }
    const upstream = WRITE_OPERATIONS.has(operation)
      ? await forwardWrite(request, body, operation)
      : await forward(request, body);
    if (TABLE_OPERATIONS.has(operation)) tables.delete(tableNameIn(parseJson(body)) ?? '');
    response.writeHead(upstream.status, responseHeaders(upstream));
    response.end(upstream.body);
  }

  return {
    listener: (request: IncomingMessage, response: ServerResponse): void => {
      handle(request, response).catch((error: unknown) => {
        if (response.headersSent) {
          response.destroy();
          return;
        }
        sendError(response, 'InternalServerError', `local stream tap failed: ${errorName(error)}`, 500);
      });
    },
    async settleInterrupted(writes) {
      const settled: DynamoDBRecord[] = [];
      for (const { id, items } of writes) {
        const changes = toRecords(await changesNow(items));
        journal?.commit(id, changes);
        settled.push(...changes);
      }
      return settled;
    },
  };
}

function lockKeyOf(tableName: string, table: TableInfo, key: Item): string {
  return `${tableName}\n${JSON.stringify(table.keyNames.map((name) => key[name]))}`;
}

function operationOf(target: string | string[] | undefined): string {
  return typeof target === 'string' ? (target.split('.')[1] ?? '') : '';
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function sendError(response: ServerResponse, type: string, message: string, status = 400): void {
  const body = JSON.stringify({ __type: `com.amazon.coral.service#${type}`, message });
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** A read dynalite answered with an error: refused as a client error (4xx), or failed. */
function readFailure(what: string, status: number): Error {
  const message = `${what} answered ${status}`;
  return status >= 400 && status < 500 ? new ReadRejected(message) : new Error(message);
}
