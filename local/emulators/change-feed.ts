import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

// The local stand-in for a DynamoDB stream plus Lambda's event source mapping. Each subscription
// behaves like one shard read by one mapping: batches in emission order, one batch in flight,
// a failing batch retried with back-off (blocking the records behind it, as a shard does), then
// handed to onFailure. With a parallelization factor N, as Lambda's ParallelizationFactor, the shard's
// records are spread over N lanes by partition key, each lane one batch in flight: a key's records keep
// their order, and a named checkpoint only passes records that every lane has handled. A listener may
// answer like a ReportBatchItemFailures handler: delivery resumes from the failed record with the lowest
// sequence number; an empty, missing or unknown itemIdentifier fails the whole batch.

// biome-ignore lint/suspicious/noConfusingVoidType: listeners may return nothing, like a Lambda handler
export type ChangeListener = (records: DynamoDBRecord[]) => Promise<DynamoDBBatchResponse | void>;

export interface DeliveryFailure {
  /** The records that were not handled: the failed one and all after it in the batch. */
  records: DynamoDBRecord[];
  /** The listener's last error, or a PartialBatchFailure for a batchItemFailures answer. */
  error: unknown;
  /** Failed deliveries charged to these records' retry budget (1 + maxRetryAttempts when it ran out). */
  attempts: number;
}

export interface SubscribeOptions {
  /**
   * Names the subscription's checkpoint, as an event source mapping has one: with a journal (a hub that keeps
   * its data) it starts after the last record it handled in an earlier run. @default no checkpoint
   */
  name?: string;
  /** Deliver only records of these tables. @default every table */
  tableNames?: readonly string[];
  /** Deliver only the records it accepts, as a mapping's filter criteria (the others are passed over). */
  filter?: (record: DynamoDBRecord) => boolean;
  /** Most records per batch. @default 100 */
  batchSize?: number;
  /** How long a partial batch waits for more records when the subscription is idle. @default 50 */
  maxBatchingWindowMs?: number;
  /** Retries of a failing batch before its records go to onFailure. @default 3 */
  maxRetryAttempts?: number;
  /** Back-off before the first retry, doubled for each further one (capped at 5 s). @default 100 */
  retryBaseDelayMs?: number;
  /** Receives records whose retries are exhausted (the local hub puts them in its DLQ). */
  onFailure?: (failure: DeliveryFailure) => Promise<void> | void;
  /** Batches of the shard in flight at once, as Lambda's ParallelizationFactor (1 to 10). @default 1 */
  parallelizationFactor?: number;
  /** The key attribute whose records stay in order (the table's partition key). @default all of a record's keys */
  partitionKey?: string;
}

export type Unsubscribe = () => void;

export interface ChangeFeed {
  subscribe(listener: ChangeListener, options?: SubscribeOptions): Unsubscribe;
  /** Resolves once every record published so far has been delivered and handled (or handed to onFailure). */
  drain(): Promise<void>;
  /** The most records any subscription has been given and not handled yet: how far the slowest one is behind. */
  backlog(): number;
}

/** Where a durable feed resumes: what the journal kept of earlier runs (change-journal.ts). */
export interface ChangeFeedOptions {
  /** Retained change records, in sequence order. */
  retained?: readonly DynamoDBRecord[];
  /** Each named subscription's last handled sequence number. */
  checkpoints?: Readonly<Record<string, string>>;
  /** A named subscription has handled (or handed to onFailure) every record up to this one. */
  onCheckpoint?: (name: string, sequenceNumber: string) => void;
}

export interface ChangeFeedController extends ChangeFeed {
  publish(records: readonly DynamoDBRecord[]): void;
  /** Stops delivery: pending records are dropped, pending drains resolve. */
  close(): void;
}

export class PartialBatchFailure extends Error {
  override readonly name = 'PartialBatchFailure';
  readonly failedSequenceNumber: string | undefined;
  constructor(failedSequenceNumber: string | undefined) {
    super(
      failedSequenceNumber
        ? `Listener reported a failure at sequence number ${failedSequenceNumber}`
        : 'Listener reported an unusable batchItemFailures entry; the whole batch failed',
    );
    this.failedSequenceNumber = failedSequenceNumber;
  }
}

/** The event a Lambda function would receive for these records. */
export function toStreamEvent(records: DynamoDBRecord[]): DynamoDBStreamEvent {
  return { Records: records };
}

/** The table a record came from, read from its stream ARN (`…:table/<name>/stream/<label>`). */
export function tableNameOf(record: DynamoDBRecord): string | undefined {
  return record.eventSourceARN?.match(/:table\/([^/]+)\/stream\//)?.[1];
}

const MAX_BACKOFF_MS = 5_000;
/** Lambda's largest ParallelizationFactor for a stream. */
const MAX_PARALLELIZATION = 10;

interface Subscription {
  name: string | undefined;
  listener: ChangeListener;
  tableNames: ReadonlySet<string> | undefined;
  filter: ((record: DynamoDBRecord) => boolean) | undefined;
  batchSize: number;
  windowMs: number;
  maxRetryAttempts: number;
  retryBaseDelayMs: number;
  onFailure: SubscribeOptions['onFailure'];
  partitionKey: string | undefined;
  lanes: Lane[];
  /** Sequence numbers given to the lanes, in feed order, and whether they are handled: the checkpoint's way. */
  unhandled: Map<string, boolean>;
  published: number;
  handled: number;
  drainWaiters: { target: number; resolve: () => void }[];
  active: boolean;
}

/** One batch in flight at a time over its share of the shard's records. */
interface Lane {
  queue: DynamoDBRecord[];
  running: boolean;
  windowTimer: NodeJS.Timeout | undefined;
}

export function createChangeFeed(options: ChangeFeedOptions = {}): ChangeFeedController {
  const { retained = [], checkpoints = {}, onCheckpoint } = options;
  for (const record of retained) deepFreeze(record);
  const subscriptions = new Set<Subscription>();
  const stopped = new AbortController();

  function schedule(subscription: Subscription, lane: Lane, flushNow: boolean): void {
    if (lane.running || lane.queue.length === 0) return;
    if (flushNow || lane.queue.length >= subscription.batchSize || subscription.windowMs <= 0) {
      clearTimeout(lane.windowTimer);
      lane.windowTimer = undefined;
      void run(subscription, lane);
    } else if (!lane.windowTimer) {
      lane.windowTimer = setTimeout(() => {
        lane.windowTimer = undefined;
        void run(subscription, lane);
      }, subscription.windowMs);
    }
  }

  async function run(subscription: Subscription, lane: Lane): Promise<void> {
    lane.running = true;
    try {
      while (subscription.active && lane.queue.length > 0) {
        const batch = lane.queue.splice(0, subscription.batchSize);
        await deliver(subscription, batch);
        if (!subscription.active) break;
        checkpoint(subscription, batch);
        subscription.handled += batch.length;
        settleDrains(subscription);
      }
    } finally {
      lane.running = false;
    }
  }

  /** Marks a batch handled and moves a named checkpoint past every record handled in feed order. */
  function checkpoint(subscription: Subscription, batch: readonly DynamoDBRecord[]): void {
    if (subscription.name === undefined) return;
    for (const record of batch) {
      const sequenceNumber = record.dynamodb?.SequenceNumber;
      if (sequenceNumber) subscription.unhandled.set(sequenceNumber, true);
    }
    let passed: string | undefined;
    for (const [sequenceNumber, handled] of subscription.unhandled) {
      if (!handled) break;
      subscription.unhandled.delete(sequenceNumber);
      passed = sequenceNumber;
    }
    if (passed !== undefined) onCheckpoint?.(subscription.name, passed);
  }

  async function deliver(subscription: Subscription, batch: DynamoDBRecord[]): Promise<void> {
    let pending = batch;
    let failures = 0;
    while (subscription.active) {
      let error: unknown;
      try {
        const response = await subscription.listener(pending);
        const failed = firstFailure(pending, response);
        if (!failed) return;
        error = new PartialBatchFailure(failed.sequenceNumber);
        if (failed.index > 0) {
          // The checkpoint moved forward: the retry budget starts again for the remaining records.
          pending = pending.slice(failed.index);
          failures = 0;
        }
      } catch (thrown) {
        error = thrown;
      }
      failures += 1;
      if (failures > subscription.maxRetryAttempts) {
        await handOver(subscription, { records: pending, error, attempts: failures });
        return;
      }
      const delay = Math.min(subscription.retryBaseDelayMs * 2 ** (failures - 1), MAX_BACKOFF_MS);
      try {
        await sleep(delay, undefined, { signal: stopped.signal });
      } catch {
        return; // the feed was closed during the back-off
      }
    }
  }

  async function handOver(subscription: Subscription, failure: DeliveryFailure): Promise<void> {
    try {
      if (subscription.onFailure) await subscription.onFailure(failure);
      else
        console.warn(
          `[change-feed] dropped ${failure.records.length} record(s) after ${failure.attempts} attempts`,
        );
    } catch (error) {
      // Never let a broken failure handler stall the feed; names only, messages may carry data.
      console.error(
        `[change-feed] onFailure threw ${errorName(error)}; ${failure.records.length} record(s) dropped`,
      );
    }
  }

  function enqueue(subscription: Subscription, records: readonly DynamoDBRecord[]): void {
    const { tableNames, filter, name } = subscription;
    let wanted = 0;
    for (const record of records) {
      if (tableNames && !tableNames.has(tableNameOf(record) ?? '')) continue;
      const taken = !filter || filter(record);
      // A record the filter passes over counts as handled, so the checkpoint moves past it with the others.
      const sequenceNumber = record.dynamodb?.SequenceNumber;
      if (name !== undefined && sequenceNumber) subscription.unhandled.set(sequenceNumber, !taken);
      if (!taken) continue;
      laneOf(subscription, record).queue.push(record);
      wanted += 1;
    }
    if (wanted === 0) return;
    subscription.published += wanted;
    for (const lane of subscription.lanes) schedule(subscription, lane, false);
  }

  function settleDrains(subscription: Subscription): void {
    subscription.drainWaiters = subscription.drainWaiters.filter((waiter) => {
      if (subscription.active && subscription.handled < waiter.target) return true;
      waiter.resolve();
      return false;
    });
  }

  function stop(subscription: Subscription): void {
    subscription.active = false;
    for (const lane of subscription.lanes) {
      clearTimeout(lane.windowTimer);
      lane.queue.length = 0;
    }
    subscriptions.delete(subscription);
    settleDrains(subscription);
  }

  return {
    subscribe(listener, options = {}) {
      const subscription: Subscription = {
        name: options.name,
        listener,
        tableNames: options.tableNames ? new Set(options.tableNames) : undefined,
        filter: options.filter,
        batchSize: positive(options.batchSize, 100, 'batchSize'),
        windowMs: options.maxBatchingWindowMs ?? 50,
        maxRetryAttempts: options.maxRetryAttempts ?? 3,
        retryBaseDelayMs: options.retryBaseDelayMs ?? 100,
        onFailure: options.onFailure,
        partitionKey: options.partitionKey,
        lanes: Array.from(
          {
            length: positive(options.parallelizationFactor, 1, 'parallelizationFactor', MAX_PARALLELIZATION),
          },
          () => ({ queue: [], running: false, windowTimer: undefined }),
        ),
        unhandled: new Map(),
        published: 0,
        handled: 0,
        drainWaiters: [],
        active: !stopped.signal.aborted,
      };
      if (!subscription.active) return () => {};
      subscriptions.add(subscription);
      const checkpoint = subscription.name === undefined ? undefined : checkpoints[subscription.name];
      if (subscription.name !== undefined) {
        enqueue(
          subscription,
          checkpoint === undefined ? retained : retained.filter((record) => isAfter(record, checkpoint)),
        );
      }
      return () => stop(subscription);
    },

    publish(records) {
      // Every subscription gets the same records, frozen: a listener can no more change what another one
      // reads than a Lambda can (a copy per delivery cost the hub's thread a twentieth of its time).
      for (const record of records) deepFreeze(record);
      for (const subscription of subscriptions) enqueue(subscription, records);
    },

    async drain() {
      const waits: Promise<void>[] = [];
      for (const subscription of subscriptions) {
        if (subscription.handled >= subscription.published) continue;
        waits.push(
          new Promise((resolve) =>
            subscription.drainWaiters.push({ target: subscription.published, resolve }),
          ),
        );
        for (const lane of subscription.lanes) schedule(subscription, lane, true);
      }
      await Promise.all(waits);
    },

    backlog() {
      let most = 0;
      for (const subscription of subscriptions)
        most = Math.max(most, subscription.published - subscription.handled);
      return most;
    },

    close() {
      stopped.abort();
      for (const subscription of [...subscriptions]) stop(subscription);
    },
  };
}

/**
 * Where to resume after a listener's answer: undefined when the whole batch succeeded, index 0
 * (without a sequence number) when the answer is unusable, as Lambda treats it.
 */
function firstFailure(
  batch: readonly DynamoDBRecord[],
  // biome-ignore lint/suspicious/noConfusingVoidType: mirrors ChangeListener's result
  response: DynamoDBBatchResponse | void,
): { index: number; sequenceNumber?: string } | undefined {
  const failures: unknown = response?.batchItemFailures;
  if (!Array.isArray(failures) || failures.length === 0) return undefined;
  let first = batch.length;
  for (const failure of failures as { itemIdentifier?: unknown }[]) {
    const identifier = failure?.itemIdentifier;
    const index = batch.findIndex((record) => record.dynamodb?.SequenceNumber === identifier);
    if (typeof identifier !== 'string' || identifier === '' || index === -1) return { index: 0 };
    first = Math.min(first, index);
  }
  return { index: first, sequenceNumber: batch[first]?.dynamodb?.SequenceNumber };
}

function isAfter(record: DynamoDBRecord, sequenceNumber: string): boolean {
  return BigInt(record.dynamodb?.SequenceNumber ?? '0') > BigInt(sequenceNumber);
}

function positive(value: number | undefined, fallback: number, name: string, max = Infinity): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RangeError(`${name} must be an integer from 1${max === Infinity ? '' : ` to ${max}`}`);
  }
  return value;
}

/** The lane of a record's partition key (FNV-1a of its value): a key always goes to the same lane. */
function laneOf(subscription: Subscription, record: DynamoDBRecord): Lane {
  const lanes = subscription.lanes;
  if (lanes.length === 1) return lanes[0] as Lane;
  const keys = record.dynamodb?.Keys;
  const key = JSON.stringify(
    subscription.partitionKey === undefined ? keys : keys?.[subscription.partitionKey],
  );
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return lanes[(hash >>> 0) % lanes.length] as Lane;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
