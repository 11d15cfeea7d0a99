import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { addDays } from '#domain/dates.ts';
import { documentClient, queryAll } from './document-client.ts';
import { TTL_ATTRIBUTE } from './store-items.ts';

/*
 * Flow counters: records per minute by status and rejection code (GET /v1/flow, the console's Flow page).
 *   counter item  pk FLOW#<YYYY-MM-DD>#<shard>  sk <HH:MM>  accepted, unchanged, rejected, code:<CODE>…, expiresAt
 * Written once per answered batch (one UpdateItem of ADDs) on a shard picked at random, so no item is hot: at
 * the prod stage's 200 requests/s an item takes about 25 writes/s, and 8 shards carry 8,000 batches/s before any
 * item reaches DynamoDB's 1,000 writes/s. A window is read with one Query per shard and day (sk BETWEEN), never a
 * scan. Items expire by the table's TTL (`expiresAt`) after FLOW_RETENTION_DAYS.
 */

export const FLOW_SHARDS = 8;
export const FLOW_RETENTION_DAYS = 35;
const CODE_PREFIX = 'code:';
const STATUSES = ['accepted', 'unchanged', 'rejected'] as const;

/** What one batch adds: its records by status, and its rejected records by error code. */
export interface FlowTally {
  accepted: number;
  unchanged: number;
  rejected: number;
  codes: ReadonlyMap<string, number>;
}

/** The counters of one minute (`YYYY-MM-DDTHH:MMZ`), summed over the shards. */
export interface FlowMinute extends FlowTally {
  minute: string;
}

const flowPk = (day: string, shard: number): string => `FLOW#${day}#${shard}`;

export class FlowCounter {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #shard: () => number;

  /** `shard` picks the shard of a write (tests pin it). @default random */
  constructor(client: DynamoDBClient, tableName: string, shard?: () => number) {
    this.#doc = documentClient(client);
    this.#table = tableName;
    this.#shard = shard ?? (() => Math.floor(Math.random() * FLOW_SHARDS));
  }

  /** Adds one batch's tally to the minute of `at` (UTC): one write. */
  async add(at: Date, tally: FlowTally): Promise<void> {
    const names: Record<string, string> = { '#expires': TTL_ATTRIBUTE };
    const values: Record<string, number> = {
      ':expires': Math.floor(at.getTime() / 1000) + FLOW_RETENTION_DAYS * 86_400,
    };
    const adds: string[] = [];
    const add = (attribute: string, n: number) => {
      if (n <= 0) return;
      const i = adds.length;
      names[`#a${i}`] = attribute;
      values[`:a${i}`] = n;
      adds.push(`#a${i} :a${i}`);
    };
    for (const status of STATUSES) add(status, tally[status]);
    for (const [code, n] of tally.codes) add(`${CODE_PREFIX}${code}`, n);
    if (adds.length === 0) return;
    const iso = at.toISOString();
    await this.#doc.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { pk: flowPk(iso.slice(0, 10), this.#shard()), sk: iso.slice(11, 16) },
        UpdateExpression: `SET #expires = :expires ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** The minutes from `from` to `to` (inclusive, UTC) that hold counts, oldest first. */
  async read(from: Date, to: Date): Promise<FlowMinute[]> {
    const fromIso = from.toISOString();
    const toIso = to.toISOString();
    const days: string[] = [];
    for (let day = fromIso.slice(0, 10); day <= toIso.slice(0, 10); day = addDays(day, 1)) days.push(day);
    const items = await Promise.all(
      days.flatMap((day) =>
        Array.from({ length: FLOW_SHARDS }, (_, shard) =>
          queryAll(this.#doc, {
            TableName: this.#table,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': flowPk(day, shard),
              ':from': day === fromIso.slice(0, 10) ? fromIso.slice(11, 16) : '00:00',
              ':to': day === toIso.slice(0, 10) ? toIso.slice(11, 16) : '23:59',
            },
          }).then((found) => found.map((item) => ({ day, item }))),
        ),
      ),
    );
    const minutes = new Map<string, FlowMinute>();
    for (const { day, item } of items.flat()) {
      const minute = `${day}T${String(item.sk)}Z`;
      const sum = minutes.get(minute) ?? { minute, accepted: 0, unchanged: 0, rejected: 0, codes: new Map() };
      for (const status of STATUSES) sum[status] += Number(item[status] ?? 0);
      const codes = sum.codes as Map<string, number>;
      for (const [name, value] of Object.entries(item)) {
        if (name.startsWith(CODE_PREFIX)) {
          const code = name.slice(CODE_PREFIX.length);
          codes.set(code, (codes.get(code) ?? 0) + Number(value));
        }
      }
      minutes.set(minute, sum);
    }
    return [...minutes.values()].sort((a, b) => a.minute.localeCompare(b.minute));
  }
}
