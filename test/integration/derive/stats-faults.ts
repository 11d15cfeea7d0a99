// Fault injection for the statistics store: a DynamoDB client that fails at its n-th request, either before
// the request reaches the table or after the table applied it (the response is lost).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { divisionLevels } from '#domain/stats.ts';
import { statsCounterPk } from '#functions/adapters/stats-store.ts';
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

/** Every non-zero counter of the given counties and the divisions above them, keyed `<division>#<counterKey>`. */
export async function allCounters(
  client: DynamoDBClient,
  tableName: string,
  counties: readonly string[],
): Promise<{ counters: Map<string, number>; leftoverTokens: number }> {
  const doc = DynamoDBDocumentClient.from(client);
  const divisions = [...new Set(counties.flatMap(divisionLevels))];
  const counters = new Map<string, number>();
  let leftoverTokens = 0;
  // One page per division is enough here: a division holds a few dozen counters in these tests.
  for (const division of divisions) {
    const out = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': statsCounterPk(division) },
        ConsistentRead: true,
      }),
    );
    for (const item of out.Items ?? []) {
      if (item.applying) leftoverTokens += (item.applying as Set<string>).size;
      if (item.n !== 0) counters.set(`${division}#${item.sk}`, item.n as number);
    }
  }
  return { counters, leftoverTokens };
}
