// Fault injection for the statistics store: a DynamoDB client that fails at its n-th request, either before
// the request reaches the table or after the table applied it (the response is lost); and the counters as
// they are stored, to compare with a recount.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { localDynamoDbClient } from '#local/emulators/clients.ts';

export type FaultMode = 'before-request' | 'after-request';

export interface FaultPlan {
  /** 1-based index of the request that fails. */
  failAt: number;
  mode: FaultMode;
  /** A dead process sends nothing more after the fault; a live one carries on. */
  dies: boolean;
}

export class InjectedFault extends Error {
  constructor() {
    super('injected fault');
    this.name = 'InjectedFault';
  }
}

/** A client that fails as planned. `sent()` tells how many requests it was asked to send. */
export function faultyClient(
  endpoint: string,
  plan: FaultPlan,
): { client: DynamoDBClient; sent: () => number } {
  const client = localDynamoDbClient(endpoint);
  let sent = 0;
  let dead = false;
  // The build step runs once per command, outside the SDK's retry loop, so the fault is not retried away.
  client.middlewareStack.add(
    (next) => async (args) => {
      if (dead) throw new InjectedFault();
      sent += 1;
      if (sent !== plan.failAt) return next(args);
      if (plan.dies) dead = true;
      if (plan.mode === 'after-request') await next(args);
      throw new InjectedFault();
    },
    { step: 'build', name: 'injectFault' },
  );
  return { client, sent: () => sent };
}

/**
 * Every non-zero counter in the table, keyed `<division>#<counterKey>`, summed over counter shards: read by
 * a Scan of the counter items, independently of the store's own read path.
 */
export async function allCounters(client: DynamoDBClient, tableName: string): Promise<Map<string, number>> {
  const doc = DynamoDBDocumentClient.from(client);
  const counters = new Map<string, number>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'begins_with(pk, :stats)',
        ExpressionAttributeValues: { ':stats': 'STATS#' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of out.Items ?? []) {
      const division = String(item.pk).split('#')[1];
      for (const [name, value] of Object.entries(item)) {
        if (!name.startsWith('c#')) continue;
        const id = `${division}#${name.slice(2)}`;
        counters.set(id, (counters.get(id) ?? 0) + Number(value));
      }
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  for (const [id, value] of counters) if (value === 0) counters.delete(id);
  return counters;
}
