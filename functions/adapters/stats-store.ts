import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Contribution, splitCounterId } from '#domain/stats.ts';
import { retrying } from '../runtime/retry.ts';
import { batchGetAll, documentClient } from './document-client.ts';

/*
 * Survey statistics in the shared table, kept by the statistics consumer of the table's stream
 * (functions/stats), which hands over each batch of profile changes of one stream shard:
 *
 *   counter item  pk STATS#<division>#<counter shard>  sk COUNTERS
 *     c#<counterKey>       a counter (number, changed only with ADD)
 *     w#<stream shard id>  { seq, at }: the last stream record of that shard whose deltas this item holds
 *
 * One write per touched item per batch: the batch's deltas are summed per division, and each division's
 * item gets one UpdateItem that adds the sums and moves the stream shard's watermark to the batch's last
 * sequence number, on the condition that the watermark is still below the batch's first one. That condition
 * is what makes a retried or redelivered batch count once:
 *
 *   Invariant, per item and stream shard: the item holds the deltas of exactly the records of that shard up
 *   to its watermark (those that touch it), none after.
 *   Given by the event source mapping: a shard's records are delivered in order, one batch at a time, and
 *   a batch begins right after the shard's checkpoint, so every record before it has been handled.
 *   - watermark < first (or none): nothing of this batch is in the item and everything before it is, so add
 *     the whole batch (the fast path: no read).
 *   - otherwise the item already holds a prefix of the batch (an earlier delivery failed after writing
 *     this item but before others, or was redelivered whole): read the watermark and add only the records
 *     after it, conditional on the watermark read.
 *   Each write keeps the invariant; a retry, a bisected half, a resumption after a partial failure or a
 *   redelivered batch can only find the condition false for what it already holds. A counter item is
 *   written by several stream shards (each has its own watermark attribute), and a shard's split or roll-over
 *   brings new shard ids, whose records Lambda delivers only after the parent's.
 *
 * Counter shards: a stream shard always writes the same counter shard of a division (a hash of its id), so a
 * hot division (a province's counters, touched by every batch of every shard) is spread over
 * `STATS_COUNTER_SHARDS` items, summed on read, each holding the watermarks of only its own stream shards.
 *
 * Watermarks of shards not heard of for `MARK_RETENTION_MS` are removed by a later write to the item: a
 * stream keeps records 24 hours, so no record at or below such a watermark can be delivered again. Each
 * write returns the item (no extra request or capacity), which tells the writer what to remove next time.
 */

/** Counter shards per division: the province's counters stay far below a DynamoDB item's write limit. */
export const STATS_COUNTER_SHARDS = 8;
export const STATS_ITEM_SK = 'COUNTERS';
/** Twice the 24 hours DynamoDB Streams keeps records. */
const MARK_RETENTION_MS = 48 * 3_600_000;
/** Counters added by one UpdateItem, so its expression stays far below DynamoDB's 4 KB. */
const MAX_COUNTERS_PER_WRITE = 100;
/** DynamoDB stream sequence numbers have 21 to 40 digits; padded, they compare as strings. */
const SEQUENCE_DIGITS = 40;
/** Resumptions of one item's write that may race before the batch is retried (one writer per shard: 1 suffices). */
const RESUME_RETRY = { attempts: 3, baseDelayMs: 10 } as const;

const COUNTER_PREFIX = 'c#';
const MARK_PREFIX = 'w#';

export const statsItemPk = (division: string, counterShard: number): string =>
  `STATS#${division}#${String(counterShard).padStart(2, '0')}`;

/** The counter shard a stream shard writes (stable for the shard's life). */
export function counterShardOf(streamShardId: string, shards: number = STATS_COUNTER_SHARDS): number {
  return createHash('sha256').update(streamShardId).digest().readUInt32BE(0) % shards;
}

/** The statistics delta of one stream record: counter id (`<division>#<counterKey>`) → change. */
export interface SequencedDelta {
  sequenceNumber: string;
  delta: Contribution;
}

export interface BatchOutcome {
  /** Counter items written. */
  itemsWritten: number;
  /** Items that already held part or all of the batch (a retry or redelivery): only the rest was added. */
  itemsResumed: number;
}

export interface StatsStoreOptions {
  /** @default STATS_COUNTER_SHARDS */
  counterShards?: number;
  /** Milliseconds since the epoch; injectable so tests can age watermarks without waiting. */
  now?: () => number;
}

interface Mark {
  seq: string;
  at: number;
}

/** One record's counters of one division (counterKey → change). */
interface RecordCounters {
  seq: string;
  counters: Map<string, number>;
}

/** One record's delta, by division. */
interface DivisionRecord {
  seq: string;
  divisions: Map<string, Map<string, number>>;
}

/** A stream shard's watermark on the item moved while we wrote: the batch is retried from its start. */
export class StatsWatermarkMovedError extends Error {
  constructor(division: string, options?: ErrorOptions) {
    super(`the statistics watermark of division ${division} moved during the write`, options);
    this.name = 'StatsWatermarkMovedError';
  }
}

/** A resumption lost its condition to another write of the same watermark: read it again. */
class MarkRaced extends Error {}

export class StatsStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #shards: number;
  readonly #now: () => number;
  /** Per counter item: watermark attributes seen older than the retention, removed with the next write. */
  readonly #stale = new Map<string, Set<string>>();

  constructor(client: DynamoDBClient, tableName: string, options: StatsStoreOptions = {}) {
    this.#doc = documentClient(client);
    this.#table = tableName;
    this.#shards = options.counterShards ?? STATS_COUNTER_SHARDS;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Adds a batch of one stream shard's deltas, in stream order, to the counters: one conditional UpdateItem
   * per touched counter item (see top of file). Safe to call again with the same batch, a part of it, or a
   * batch that starts at the same record and goes further. Throws when a write fails; the caller fails the
   * batch so that it is delivered again.
   */
  async applyBatch(streamShardId: string, changes: readonly SequencedDelta[]): Promise<BatchOutcome> {
    if (streamShardId === '') throw new Error('a stream shard id is required');
    const records = changes.map((change) => ({
      seq: padSequence(change.sequenceNumber),
      divisions: perDivision(change.delta),
    }));
    for (let index = 1; index < records.length; index += 1) {
      if ((records[index]?.seq ?? '') <= (records[index - 1]?.seq ?? '')) {
        throw new Error('a batch must be in increasing sequence-number order');
      }
    }
    const counterShard = counterShardOf(streamShardId, this.#shards);
    const outcome: BatchOutcome = { itemsWritten: 0, itemsResumed: 0 };
    // Chunks are applied one after the other: a chunk's watermark must never pass a record an earlier chunk
    // has not yet added.
    for (const chunk of chunksOf(records)) {
      const first = chunk[0]?.seq ?? '';
      const last = chunk.at(-1)?.seq ?? '';
      const results = await settleAll(
        [...byDivision(chunk)].map(([division, divisionRecords]) =>
          this.#applyToItem(division, counterShard, streamShardId, { first, last }, divisionRecords),
        ),
      );
      for (const result of results) {
        if (result === 'written' || result === 'resumed') outcome.itemsWritten += 1;
        if (result === 'resumed' || result === 'held') outcome.itemsResumed += 1;
      }
    }
    return outcome;
  }

  /** One division's counters (counterKey → value): the sum of its counter shards, read consistently. */
  async readCounters(division: string): Promise<Map<string, number>> {
    const counters = new Map<string, number>();
    const keys = Array.from({ length: this.#shards }, (_, shard) => ({
      pk: statsItemPk(division, shard),
      sk: STATS_ITEM_SK,
    }));
    for (const item of await batchGetAll(this.#doc, this.#table, keys)) {
      for (const [name, value] of Object.entries(item)) {
        if (!name.startsWith(COUNTER_PREFIX) || typeof value !== 'number') continue;
        const counterKey = name.slice(COUNTER_PREFIX.length);
        counters.set(counterKey, (counters.get(counterKey) ?? 0) + value);
      }
    }
    for (const [counterKey, value] of counters) if (value === 0) counters.delete(counterKey);
    return counters;
  }

  /**
   * written: the whole chunk added; resumed: the item held a prefix, the rest was added; held: the item held
   * all of it already. A chunk whose deltas cancel out for this item is written all the same (the watermark
   * alone): only the write's condition can tell whether the item already holds part of it.
   */
  async #applyToItem(
    division: string,
    counterShard: number,
    streamShardId: string,
    range: { first: string; last: string },
    records: readonly RecordCounters[],
  ): Promise<'written' | 'resumed' | 'held'> {
    const key = { pk: statsItemPk(division, counterShard), sk: STATS_ITEM_SK };
    const markName = `${MARK_PREFIX}${streamShardId}`;
    const sums = sumCounters(records);
    const written = await this.#addAndMark(key, markName, sums, range.last, {
      ConditionExpression: 'attribute_not_exists(#mark) OR #mark.#seq < :first',
      values: { ':first': range.first },
    });
    if (written) return 'written';
    try {
      return await retrying(
        async () => {
          const { Item } = await this.#doc.send(
            new GetCommand({ TableName: this.#table, Key: key, ConsistentRead: true }),
          );
          const mark = Item?.[markName] as Mark | undefined;
          if (mark === undefined) throw new StatsWatermarkMovedError(division); // it was there a moment ago
          const after = records.filter((record) => record.seq > mark.seq);
          if (after.length === 0) return 'held';
          const resumed = await this.#addAndMark(key, markName, sumCounters(after), range.last, {
            ConditionExpression: '#mark.#seq = :held',
            values: { ':held': mark.seq },
          });
          if (!resumed) throw new MarkRaced();
          return 'resumed';
        },
        (error) => error instanceof MarkRaced,
        RESUME_RETRY,
      );
    } catch (error) {
      throw error instanceof MarkRaced ? new StatsWatermarkMovedError(division) : error;
    }
  }

  /** ADD the sums and SET the watermark in one conditional UpdateItem; false when the condition failed. */
  async #addAndMark(
    key: { pk: string; sk: string },
    markName: string,
    sums: ReadonlyMap<string, number>,
    last: string,
    condition: { ConditionExpression: string; values: Record<string, unknown> },
  ): Promise<boolean> {
    const itemKey = `${key.pk}\n${key.sk}`;
    const names: Record<string, string> = { '#mark': markName, '#seq': 'seq' };
    const values: Record<string, unknown> = { ...condition.values, ':mark': { seq: last, at: this.#now() } };
    const adds = [...sums].map(([counterKey, value], index) => {
      names[`#c${index}`] = `${COUNTER_PREFIX}${counterKey}`;
      values[`:c${index}`] = value;
      return `#c${index} :c${index}`;
    });
    const stale = [...(this.#stale.get(itemKey) ?? [])].filter((name) => name !== markName);
    const removes = stale.map((name, index) => {
      names[`#r${index}`] = name;
      return `#r${index}`;
    });
    try {
      const out = await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: key,
          UpdateExpression: [
            adds.length > 0 ? `ADD ${adds.join(', ')}` : '',
            'SET #mark = :mark',
            removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
          ].join(' '),
          ConditionExpression: condition.ConditionExpression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          // Costs no capacity: the item's other watermarks, to remove the stale ones next time.
          ReturnValues: 'ALL_NEW',
        }),
      );
      this.#rememberStale(itemKey, markName, out.Attributes);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  #rememberStale(itemKey: string, ownMark: string, item: Record<string, unknown> | undefined): void {
    const cutoff = this.#now() - MARK_RETENTION_MS;
    const stale = new Set<string>();
    for (const [name, value] of Object.entries(item ?? {})) {
      if (!name.startsWith(MARK_PREFIX) || name === ownMark) continue;
      if (typeof (value as Mark | undefined)?.at === 'number' && (value as Mark).at < cutoff) stale.add(name);
    }
    if (stale.size > 0) this.#stale.set(itemKey, stale);
    else this.#stale.delete(itemKey);
  }
}

/** Waits for every write to settle (none is left in flight when the batch fails), then the first failure. */
async function settleAll<T>(writes: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(writes);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
}

function padSequence(sequenceNumber: string): string {
  if (!/^\d{1,40}$/.test(sequenceNumber)) throw new Error(`not a stream sequence number: ${sequenceNumber}`);
  return sequenceNumber.padStart(SEQUENCE_DIGITS, '0');
}

/** A record's delta split by division: division → counterKey → change. */
function perDivision(delta: Contribution): Map<string, Map<string, number>> {
  const divisions = new Map<string, Map<string, number>>();
  for (const [id, change] of delta) {
    const { division, counterKey } = splitCounterId(id);
    const counters = divisions.get(division) ?? new Map<string, number>();
    counters.set(counterKey, change);
    divisions.set(division, counters);
  }
  return divisions;
}

/** The records of each division they touch, in stream order. */
function byDivision(records: readonly DivisionRecord[]): Map<string, RecordCounters[]> {
  const divisions = new Map<string, RecordCounters[]>();
  for (const { seq, divisions: own } of records) {
    for (const [division, counters] of own) {
      const list = divisions.get(division) ?? [];
      list.push({ seq, counters });
      divisions.set(division, list);
    }
  }
  return divisions;
}

/** The records' changes summed per counter; counters whose changes cancel out are left out. */
function sumCounters(records: readonly RecordCounters[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const { counters } of records) {
    for (const [counterKey, change] of counters) sums.set(counterKey, (sums.get(counterKey) ?? 0) + change);
  }
  for (const [counterKey, value] of sums) if (value === 0) sums.delete(counterKey);
  return sums;
}

/**
 * Consecutive runs of records in which no division gathers more than MAX_COUNTERS_PER_WRITE distinct
 * counters (a record touches about a dozen per division, so every run has at least one record).
 */
function chunksOf(records: readonly DivisionRecord[]): DivisionRecord[][] {
  const chunks: DivisionRecord[][] = [];
  let current: DivisionRecord[] = [];
  let held = new Map<string, Set<string>>();
  for (const record of records) {
    const overflows = [...record.divisions].some(([division, counters]) => {
      const keys = held.get(division);
      const added = keys
        ? [...counters.keys()].filter((counterKey) => !keys.has(counterKey)).length
        : counters.size;
      return (keys?.size ?? 0) + added > MAX_COUNTERS_PER_WRITE;
    });
    if (overflows && current.length > 0) {
      chunks.push(current);
      current = [];
      held = new Map();
    }
    for (const [division, counters] of record.divisions) {
      const keys = held.get(division) ?? new Set<string>();
      for (const counterKey of counters.keys()) keys.add(counterKey);
      held.set(division, keys);
    }
    current.push(record);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
