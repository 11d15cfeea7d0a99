import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { retryingRemainder } from '../runtime/retry.ts';
import { BATCH_GET_ITEM_MAX_KEYS } from './service-limits.ts';

/** The document client every store uses: plain JS values in and out, absent optional fields left out. */
export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * Puts `item` only if the stored item's `version` is still `expectedVersion` (0: no item yet): the optimistic
 * lock of every versioned item. Returns false when another writer got there first.
 */
export async function putIfVersion(
  doc: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown>,
  expectedVersion: number,
): Promise<boolean> {
  const condition =
    expectedVersion === 0
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        };
  try {
    await doc.send(new PutCommand({ TableName: tableName, Item: item, ...condition }));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Every item a query matches, page after page. */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new QueryCommand({ ...input, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

/** Enough for DynamoDB to serve a burst of unprocessed keys; each retry asks only for those. */
const BATCH_GET_RETRY = { attempts: 8, baseDelayMs: 25 } as const;

/**
 * The items stored under `keys` (missing ones are left out), read consistently with BatchGetItem, 100 keys a
 * call, asking again with back-off for the keys DynamoDB leaves unprocessed. Throws when keys are still
 * unprocessed after the last attempt, rather than answer as if they did not exist.
 */
export async function batchGetAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_ITEM_MAX_KEYS) {
    const unread = await retryingRemainder(
      keys.slice(start, start + BATCH_GET_ITEM_MAX_KEYS),
      async (pending) => {
        const out: BatchGetCommandOutput = await doc.send(
          new BatchGetCommand({
            RequestItems: { [tableName]: { Keys: [...pending], ConsistentRead: true } },
          }),
        );
        items.push(...(out.Responses?.[tableName] ?? []));
        return out.UnprocessedKeys?.[tableName]?.Keys ?? [];
      },
      BATCH_GET_RETRY,
    );
    if (unread.length > 0) throw new Error(`BatchGetItem left ${unread.length} keys unprocessed`);
  }
  return items;
}
