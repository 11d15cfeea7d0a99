import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import {
  DELIVERY_OUTCOMES,
  type DeliveryOutcome,
  type DeliveryRow,
  noDeliveries,
} from '#api/deliveries-api.ts';
import { chinaDateOf } from '#domain/dates.ts';
import { documentClient } from './document-client.ts';

/*
 * The delivery log in the shared table: pk `DELIVERY#<subscriber>`, sk `<day>#<eventType>`, one ADD-only
 * counter per outcome. Writers count in memory (DeliveryTally) and add once per batch, so a busy day costs
 * one write per subscriber, type and batch, never one per message: no hot item.
 */

export const deliveryPk = (subscriber: string): string => `DELIVERY#${subscriber}`;

type Counts = Partial<Record<DeliveryOutcome, number>>;

export class DeliveryLog {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#doc = documentClient(client);
    this.#table = tableName;
  }

  /** Adds counts to one subscriber's day and event type. */
  async add(subscriber: string, day: string, eventType: string, counts: Counts): Promise<void> {
    const outcomes = DELIVERY_OUTCOMES.filter((outcome) => (counts[outcome] ?? 0) > 0);
    if (outcomes.length === 0) return;
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { pk: deliveryPk(subscriber), sk: `${day}#${eventType}` },
        UpdateExpression: `ADD ${outcomes.map((outcome) => `#${outcome} :${outcome}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(outcomes.map((outcome) => [`#${outcome}`, outcome])),
        ExpressionAttributeValues: Object.fromEntries(
          outcomes.map((outcome) => [`:${outcome}`, counts[outcome] ?? 0]),
        ),
      }),
    );
  }

  /** The rows of a subscriber from `from` to `to` (days, inclusive), by day then event type. */
  async read(subscriber: string, from: string, to: string): Promise<DeliveryRow[]> {
    const rows: DeliveryRow[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.#doc.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': deliveryPk(subscriber), ':from': `${from}#`, ':to': `${to}#~` },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        const sk = String(item.sk);
        const separator = sk.indexOf('#');
        rows.push({
          day: sk.slice(0, separator),
          eventType: sk.slice(separator + 1),
          ...noDeliveries(),
          ...Object.fromEntries(DELIVERY_OUTCOMES.map((outcome) => [outcome, Number(item[outcome] ?? 0)])),
        });
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return rows;
  }
}

/** Counts in memory until `flush` adds them to the log (one write per subscriber, day and event type). */
export class DeliveryTally {
  readonly #log: DeliveryLog;
  readonly #counts = new Map<
    string,
    { subscriber: string; day: string; eventType: string; counts: Counts }
  >();

  constructor(log: DeliveryLog) {
    this.#log = log;
  }

  count(subscriber: string, eventType: string, outcome: DeliveryOutcome, at: Date = new Date(), n = 1): void {
    const day = chinaDateOf(at.toISOString());
    const key = `${subscriber}\n${day}\n${eventType}`;
    const entry = this.#counts.get(key) ?? { subscriber, day, eventType, counts: {} };
    entry.counts[outcome] = (entry.counts[outcome] ?? 0) + n;
    this.#counts.set(key, entry);
  }

  /** Writes what was counted since the last flush; what fails to write is kept for the next one. */
  async flush(): Promise<void> {
    const entries = [...this.#counts];
    this.#counts.clear();
    const limit = pLimit(8);
    const failed = await Promise.all(
      entries.map(([key, entry]) =>
        limit(async () => {
          try {
            await this.#log.add(entry.subscriber, entry.day, entry.eventType, entry.counts);
            return [];
          } catch (error) {
            return [{ key, entry, error }];
          }
        }),
      ),
    );
    const left = failed.flat();
    for (const { key, entry } of left) this.#merge(key, entry);
    if (left.length > 0)
      throw new Error(`delivery log: ${left.length} counters not written`, { cause: left[0]?.error });
  }

  #merge(key: string, entry: { subscriber: string; day: string; eventType: string; counts: Counts }): void {
    const current = this.#counts.get(key);
    if (current === undefined) {
      this.#counts.set(key, entry);
      return;
    }
    for (const outcome of DELIVERY_OUTCOMES) {
      const n = entry.counts[outcome];
      if (n !== undefined) current.counts[outcome] = (current.counts[outcome] ?? 0) + n;
    }
  }
}
