import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { ChangeFeedController } from './change-feed.ts';
import { LOCAL_ACCOUNT_ID, partitionOf } from './clients.ts';
import { type DynaliteWire, responseHeaders, type UpstreamResponse } from './dynalite-wire.ts';
import { createKeyLocks } from './key-locks.ts';
import { createStreamRecordFactory, type Item } from './stream-records.ts';

// The DynamoDB endpoint the local hub hands out. It forwards every request to dynalite and, for
// item writes, reads each affected item before and after the write (consistent GetItem, under a
// per-item lock so concurrent writers cannot interleave) and publishes a stream record for every
// item that really changed, before answering the client. dynalite has no streams; this is them.

const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
const TABLE_OPERATIONS = new Set(['CreateTable', 'DeleteTable', 'UpdateTable']);
const UNSUPPORTED_OPERATIONS: Record<string, string> = {
  TransactWriteItems: 'transactions',
  TransactGetItems: 'transactions',
  ExecuteStatement: 'PartiQL',
  BatchExecuteStatement: 'PartiQL',
  ExecuteTransaction: 'PartiQL',
};

export interface StreamTapOptions {
  wire: DynaliteWire;
  feed: ChangeFeedController;
  region: string;
}

interface TableInfo {
  keyNames: string[];
  streamArn: string;
}

interface WriteTarget {
  tableName: string;
  table: TableInfo;
  key: Item;
  lockKey: string;
}

interface TableDescriptionWire {
  Table?: { KeySchema: { AttributeName: string }[]; CreationDateTime: number };
}

export function createStreamTap({ wire, feed, region }: StreamTapOptions): RequestListener {
  const locks = createKeyLocks();
  const records = createStreamRecordFactory(region);
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
    for (const { tableName, item } of written) {
      const table = await tableInfo(tableName);
      const key = table && pickKey(item, table.keyNames);
      if (!table || !key) return undefined; // dynalite will reject the request itself
      const lockKey = `${tableName}\n${JSON.stringify(table.keyNames.map((name) => key[name]))}`;
      targets.push({ tableName, table, key, lockKey });
    }
    return targets;
  }

  async function readItem(target: WriteTarget): Promise<Item | undefined> {
    const { status, output } = await wire.call<{ Item?: Item }>('GetItem', {
      TableName: target.tableName,
      Key: target.key,
      ConsistentRead: true,
    });
    if (status !== 200) throw new Error(`GetItem on ${target.tableName} answered ${status}`);
    return output.Item;
  }

  async function forwardWrite(
    request: IncomingMessage,
    body: Buffer,
    operation: string,
  ): Promise<UpstreamResponse> {
    const targets = await writeTargets(operation, parseJson(body));
    if (!targets) return forward(request, body);
    const release = await locks.acquireAll(targets.map((target) => target.lockKey));
    try {
      const before = await Promise.all(targets.map(readItem)).catch(() => undefined);
      const upstream = await forward(request, body);
      if (upstream.status !== 200) return upstream; // failed or conditional check failed: nothing changed
      try {
        // A key the read rejected (wrong type, say) makes dynalite reject the write too, with its own error.
        if (!before) throw new Error('the item could not be read before the write');
        const after = await Promise.all(targets.map(readItem));
        feed.publish(
          targets.flatMap((target, index) => {
            const change = {
              tableName: target.tableName,
              keys: target.key,
              oldImage: before[index],
              newImage: after[index],
            };
            return records.toRecord(change, target.table.streamArn) ?? [];
          }),
        );
      } catch (error) {
        // The write is committed; only its stream record is lost. Say so without item data.
        console.error(
          `[stream-tap] ${operation} committed but its change could not be captured: ${errorName(error)}`,
        );
      }
      return upstream;
    } finally {
      release();
    }
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

  return (request: IncomingMessage, response: ServerResponse): void => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      sendError(response, 'InternalServerError', `local stream tap failed: ${errorName(error)}`, 500);
    });
  };
}

/** Table and item (or key) of each write in a request; undefined when the request is malformed. */
function writtenItems(operation: string, input: unknown): { tableName: string; item: unknown }[] | undefined {
  if (!isObject(input)) return undefined;
  const tableName = tableNameIn(input);
  switch (operation) {
    case 'PutItem':
      return tableName ? [{ tableName, item: input.Item }] : undefined;
    case 'UpdateItem':
    case 'DeleteItem':
      return tableName ? [{ tableName, item: input.Key }] : undefined;
    case 'BatchWriteItem': {
      if (!isObject(input.RequestItems)) return undefined;
      const written: { tableName: string; item: unknown }[] = [];
      for (const [batchTable, requests] of Object.entries(input.RequestItems)) {
        if (!Array.isArray(requests)) return undefined;
        for (const request of requests) {
          if (!isObject(request)) return undefined;
          const item = isObject(request.PutRequest)
            ? request.PutRequest.Item
            : isObject(request.DeleteRequest)
              ? request.DeleteRequest.Key
              : undefined;
          written.push({ tableName: batchTable, item });
        }
      }
      return written;
    }
    default:
      return undefined;
  }
}

function pickKey(item: unknown, keyNames: readonly string[]): Item | undefined {
  if (!isObject(item)) return undefined;
  const key: Item = {};
  for (const name of keyNames) {
    const value = item[name];
    if (!isObject(value)) return undefined;
    key[name] = value as Item[string];
  }
  return key;
}

function tableNameIn(input: unknown): string | undefined {
  return isObject(input) && typeof input.TableName === 'string' ? input.TableName : undefined;
}

function operationOf(target: string | string[] | undefined): string {
  return typeof target === 'string' ? (target.split('.')[1] ?? '') : '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
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
