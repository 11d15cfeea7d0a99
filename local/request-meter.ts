import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

// Counts what the local hub asks of DynamoDB, per operation: calls, and the items each write call writes
// (one for PutItem, UpdateItem, DeleteItem; every request of a BatchWriteItem). The benchmark divides the
// item writes by the records it posted: on AWS every item written is a write request billed on its own.

export interface OperationCount {
  calls: number;
  /** Items written (write operations only). */
  itemWrites: number;
}

export type OperationCounts = Record<string, OperationCount>;

export interface RequestMeter {
  /** Counts since the meter was attached, by operation name (`PutItem`, `Query`, …). */
  counts(): OperationCounts;
}

const SINGLE_ITEM_WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

export function meterDynamoDb(client: DynamoDBClient): RequestMeter {
  const counts = new Map<string, OperationCount>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      const count = counts.get(command) ?? { calls: 0, itemWrites: 0 };
      count.calls += 1;
      count.itemWrites += itemsWritten(command, args.input);
      counts.set(command, count);
      return next(args);
    },
    { step: 'initialize', name: 'requestMeter' },
  );
  return {
    counts: () =>
      Object.fromEntries(
        [...counts].map(([command, count]) => [command.replace(/Command$/, ''), { ...count }]),
      ),
  };
}

/** The counts of several meters (the hub's threads) added up, operation by operation. */
export function addCounts(...all: readonly OperationCounts[]): OperationCounts {
  const total: OperationCounts = {};
  for (const counts of all) {
    for (const [operation, count] of Object.entries(counts)) {
      const sum = total[operation] ?? { calls: 0, itemWrites: 0 };
      total[operation] = { calls: sum.calls + count.calls, itemWrites: sum.itemWrites + count.itemWrites };
    }
  }
  return total;
}

/** Every item written, all operations together. */
export const itemWrites = (counts: OperationCounts): number =>
  Object.values(counts).reduce((sum, count) => sum + count.itemWrites, 0);

function itemsWritten(command: string, input: unknown): number {
  if (SINGLE_ITEM_WRITES.has(command)) return 1;
  if (command !== 'BatchWriteItemCommand') return 0;
  const requests = (input as { RequestItems?: Record<string, unknown[]> }).RequestItems ?? {};
  return Object.values(requests).reduce((sum, list) => sum + list.length, 0);
}
