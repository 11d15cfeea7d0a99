import { crc32 } from 'node:zlib';
import type { UpstreamResponse } from './dynalite-wire.ts';
import type { Item } from './stream-records.ts';

// What the stream tap reads from DynamoDB write requests and answers: which items a write touches, and how
// to capture a single-item write's images from the write itself.

/**
 * Where a single-item write's images come from: the write's own answer (with ReturnValues forced when the
 * caller asked for none), the request's Item, a consistent read, or nowhere (a delete leaves no new image).
 */
export interface SingleWritePlan {
  forceReturnValues?: 'ALL_OLD' | 'ALL_NEW';
  oldImage: 'response' | 'read';
  newImage: 'response' | 'request' | 'read' | 'none';
}

/** One item a write touches: its table, its item (a put) or key (an update or delete). */
export interface WrittenItem {
  tableName: string;
  item: unknown;
  put: boolean;
}

/**
 * How to capture a single-item write. ReturnValues is forced only where the caller asked for none, so its
 * answer can be given back without Attributes; a caller's own ReturnValues is kept as sent, and one the tap
 * cannot use (UPDATED_OLD, UPDATED_NEW, or an invalid value dynalite will reject) falls back to reads.
 * `readOldImage`: the old image is always read before the write.
 */
export function singleWritePlan(
  operation: string,
  returnValues: unknown,
  { readOldImage = false } = {},
): SingleWritePlan {
  const plan = imagesPlan(operation, returnValues);
  if (!readOldImage || plan.oldImage === 'read') return plan;
  // The old image must be known before the write (a journal records it): read it, force nothing for it.
  const { forceReturnValues, newImage } = plan;
  return { oldImage: 'read', newImage, ...(forceReturnValues === 'ALL_NEW' && { forceReturnValues }) };
}

function imagesPlan(operation: string, returnValues: unknown): SingleWritePlan {
  const none = returnValues === undefined || returnValues === 'NONE';
  switch (operation) {
    case 'PutItem':
    case 'DeleteItem': {
      const newImage = operation === 'PutItem' ? 'request' : 'none';
      if (none) return { forceReturnValues: 'ALL_OLD', oldImage: 'response', newImage };
      if (returnValues === 'ALL_OLD') return { oldImage: 'response', newImage };
      break;
    }
    case 'UpdateItem':
      if (none) return { forceReturnValues: 'ALL_NEW', oldImage: 'read', newImage: 'response' };
      if (returnValues === 'ALL_NEW') return { oldImage: 'read', newImage: 'response' };
      if (returnValues === 'ALL_OLD') return { oldImage: 'response', newImage: 'read' };
      break;
  }
  return { oldImage: 'read', newImage: 'read' };
}

/** dynalite's answer as it would have been without the forced ReturnValues: Attributes out, checksum redone. */
export function withoutAttributes(upstream: UpstreamResponse, output: unknown): UpstreamResponse {
  const { Attributes: _, ...rest } = output as Record<string, unknown>;
  const body = Buffer.from(JSON.stringify(rest));
  return {
    status: upstream.status,
    headers: { ...upstream.headers, 'x-amz-crc32': String(crc32(body)) },
    body,
  };
}

/** Table, item (or key) and kind of each write in a request; undefined when the request is malformed. */
export function writtenItems(operation: string, input: unknown): WrittenItem[] | undefined {
  if (!isObject(input)) return undefined;
  const tableName = tableNameIn(input);
  switch (operation) {
    case 'PutItem':
      return tableName ? [{ tableName, item: input.Item, put: true }] : undefined;
    case 'UpdateItem':
    case 'DeleteItem':
      return tableName ? [{ tableName, item: input.Key, put: false }] : undefined;
    case 'BatchWriteItem': {
      if (!isObject(input.RequestItems)) return undefined;
      const written: WrittenItem[] = [];
      for (const [batchTable, requests] of Object.entries(input.RequestItems)) {
        if (!Array.isArray(requests)) return undefined;
        for (const request of requests) {
          if (!isObject(request)) return undefined;
          if (isObject(request.PutRequest)) {
            written.push({ tableName: batchTable, item: request.PutRequest.Item, put: true });
          } else {
            const key = isObject(request.DeleteRequest) ? request.DeleteRequest.Key : undefined;
            written.push({ tableName: batchTable, item: key, put: false });
          }
        }
      }
      return written;
    }
    default:
      return undefined;
  }
}

export function pickKey(item: unknown, keyNames: readonly string[]): Item | undefined {
  if (!isObject(item)) return undefined;
  const key: Item = {};
  for (const name of keyNames) {
    const value = item[name];
    if (!isObject(value)) return undefined;
    key[name] = value as Item[string];
  }
  return key;
}

export function tableNameIn(input: unknown): string | undefined {
  return isObject(input) && typeof input.TableName === 'string' ? input.TableName : undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
