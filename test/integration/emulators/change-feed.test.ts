import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createChangeFeed, type DeliveryFailure, PartialBatchFailure } from '#local/emulators/change-feed.ts';

/** Synthetic stream records with increasing sequence numbers, as the stream tap emits them. */
function streamRecords(count: number, tableName = 'records'): DynamoDBRecord[] {
  return Array.from({ length: count }, (_, index) => ({
    eventID: `event-${index}`,
    eventName: 'INSERT',
    eventSource: 'aws:dynamodb',
    eventSourceARN: `arn:aws:dynamodb:us-east-1:000000000000:table/${tableName}/stream/2024-01-01T00:00:00.000`,
    dynamodb: {
      Keys: { pk: { S: `item-${index}` } },
      SequenceNumber: String(index + 1).padStart(21, '0'),
    },
  }));
}

const sequenceNumbers = (records: DynamoDBRecord[]) =>
  records.map((record) => record.dynamodb?.SequenceNumber);

describe('change feed', () => {
  it('delivers records in order, in batches of at most batchSize', async () => {
    // Prepare
    const feed = createChangeFeed();
    const batches: DynamoDBRecord[][] = [];
    feed.subscribe(
      async (records) => {
        batches.push(records);
      },
      { batchSize: 100 },
    );
    const published = streamRecords(250);

    // Act
    feed.publish(published);
    await feed.drain();

    // Assess
    expect(batches.map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(sequenceNumbers(batches.flat())).toEqual(sequenceNumbers(published));
  });

  it('gives every subscription the same records, which no listener can change', async () => {
    // Prepare: one listener tries to rewrite what it was given, another reads after it
    const feed = createChangeFeed();
    const refusals: unknown[] = [];
    const seen: string[] = [];
    feed.subscribe(async (records) => {
      for (const record of records) {
        try {
          (record.dynamodb as { Keys: unknown }).Keys = { pk: { S: 'rewritten' } };
        } catch (error) {
          refusals.push(error);
        }
      }
    });
    feed.subscribe(async (records) => {
      seen.push(...records.map((record) => record.dynamodb?.Keys?.pk?.S ?? ''));
    });

    // Act
    feed.publish(streamRecords(3));
    await feed.drain();

    // Assess
    expect(refusals).toHaveLength(3);
    expect(refusals.every((error) => error instanceof TypeError)).toBe(true);
    expect(seen).toEqual(['item-0', 'item-1', 'item-2']);
  });

  it('backlog is what the slowest subscription has been given and not handled yet', async () => {
    // Prepare: a quick subscription and one held at its first batch until released
    const feed = createChangeFeed();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    feed.subscribe(async () => {}, { batchSize: 10 });
    feed.subscribe(() => held, { batchSize: 10 });

    // Act
    feed.publish(streamRecords(25));
    const whileHeld = feed.backlog();
    release();
    await feed.drain();

    // Assess
    expect(whileHeld).toBe(25);
    expect(feed.backlog()).toBe(0);
  });

  it('drain waits until the listener has finished handling, without waiting out the batching window', async () => {
    // Prepare
    const feed = createChangeFeed();
    const handled: string[] = [];
    feed.subscribe(
      async (records) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        handled.push(...records.map((record) => record.eventID ?? ''));
      },
      { maxBatchingWindowMs: 60_000 },
    );

    // Act
    feed.publish(streamRecords(3));
    await feed.drain();

    // Assess
    expect(handled).toEqual(['event-0', 'event-1', 'event-2']);
  });

  it('retries a failing batch and succeeds without calling onFailure', async () => {
    // Prepare
    const feed = createChangeFeed();
    const calls: DynamoDBRecord[][] = [];
    const failures: DeliveryFailure[] = [];
    feed.subscribe(
      async (records) => {
        calls.push(records);
        if (calls.length === 1) throw new Error('transient');
      },
      { retryBaseDelayMs: 1, onFailure: (failure) => void failures.push(failure) },
    );

    // Act
    feed.publish(streamRecords(2));
    await feed.drain();

    // Assess
    expect(calls.map(sequenceNumbers)).toEqual([
      sequenceNumbers(streamRecords(2)),
      sequenceNumbers(streamRecords(2)),
    ]);
    expect(failures).toEqual([]);
  });

  it('hands a batch to onFailure after maxRetryAttempts retries, then goes on with later records', async () => {
    // Prepare
    const feed = createChangeFeed();
    const attemptsPerRecord = new Map<string, number>();
    const failures: DeliveryFailure[] = [];
    const error = new Error('always fails');
    feed.subscribe(
      async (records) => {
        for (const record of records) {
          attemptsPerRecord.set(record.eventID ?? '', (attemptsPerRecord.get(record.eventID ?? '') ?? 0) + 1);
        }
        if (records.some((record) => record.eventID === 'event-0')) throw error;
      },
      {
        batchSize: 1,
        maxRetryAttempts: 2,
        retryBaseDelayMs: 1,
        onFailure: (failure) => void failures.push(failure),
      },
    );

    // Act
    feed.publish(streamRecords(2));
    await feed.drain();

    // Assess
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ error, attempts: 3 });
    expect(failures[0]?.records.map((record) => record.eventID)).toEqual(['event-0']);
    expect(Object.fromEntries(attemptsPerRecord)).toEqual({ 'event-0': 3, 'event-1': 1 });
  });

  it('resumes from the lowest reported batchItemFailure, as Lambda does for streams', async () => {
    // Prepare
    const feed = createChangeFeed();
    const calls: DynamoDBRecord[][] = [];
    const records = streamRecords(5);
    feed.subscribe(
      async (batch) => {
        calls.push(batch);
        if (calls.length > 1) return { batchItemFailures: [] };
        const failed = [batch[3], batch[2]].map((record) => ({
          itemIdentifier: record?.dynamodb?.SequenceNumber ?? '',
        }));
        return { batchItemFailures: failed };
      },
      { retryBaseDelayMs: 1 },
    );

    // Act
    feed.publish(records);
    await feed.drain();

    // Assess
    expect(calls.map(sequenceNumbers)).toEqual([sequenceNumbers(records), sequenceNumbers(records.slice(2))]);
  });

  it('treats an unknown or empty itemIdentifier as a failure of the whole batch', async () => {
    // Prepare
    const feed = createChangeFeed();
    const calls: DynamoDBRecord[][] = [];
    const records = streamRecords(3);
    feed.subscribe(
      async (batch) => {
        calls.push(batch);
        if (calls.length === 1) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
        if (calls.length === 2) return { batchItemFailures: [{ itemIdentifier: '' }] };
      },
      { retryBaseDelayMs: 1 },
    );

    // Act
    feed.publish(records);
    await feed.drain();

    // Assess
    expect(calls.map(sequenceNumbers)).toEqual(Array.from({ length: 3 }, () => sequenceNumbers(records)));
  });

  it('sends the records from the failed one onward to onFailure when partial failures persist', async () => {
    // Prepare
    const feed = createChangeFeed();
    const failures: DeliveryFailure[] = [];
    const records = streamRecords(4);
    const poison = records[2]?.dynamodb?.SequenceNumber ?? '';
    let calls = 0;
    feed.subscribe(
      async () => {
        calls += 1;
        return { batchItemFailures: [{ itemIdentifier: poison }] };
      },
      { maxRetryAttempts: 1, retryBaseDelayMs: 1, onFailure: (failure) => void failures.push(failure) },
    );

    // Act
    feed.publish(records);
    await feed.drain();

    // Assess
    expect(calls).toBe(2);
    expect(failures).toHaveLength(1);
    expect(sequenceNumbers(failures[0]?.records ?? [])).toEqual(sequenceNumbers(records.slice(2)));
    expect(failures[0]?.error).toBeInstanceOf(PartialBatchFailure);
  });

  it('delivers only the tables a subscription names, and nothing after unsubscribing', async () => {
    // Prepare
    const feed = createChangeFeed();
    const received: DynamoDBRecord[] = [];
    const unsubscribe = feed.subscribe(
      async (records) => {
        received.push(...records);
      },
      { tableNames: ['audit'] },
    );

    // Act
    feed.publish([...streamRecords(2, 'records'), ...streamRecords(1, 'audit')]);
    await feed.drain();
    unsubscribe();
    feed.publish(streamRecords(1, 'audit'));
    await feed.drain();

    // Assess
    expect(received).toHaveLength(1);
    expect(received[0]?.eventSourceARN).toContain(':table/audit/stream/');
  });

  it('gives each subscription its own copy of the records', async () => {
    // Prepare
    const feed = createChangeFeed();
    const seen: (string | undefined)[] = [];
    feed.subscribe(async (records) => {
      for (const record of records) record.eventName = 'REMOVE';
    });
    feed.subscribe(async (records) => {
      seen.push(...records.map((record) => record.eventName));
    });

    // Act
    feed.publish(streamRecords(1));
    await feed.drain();

    // Assess
    expect(seen).toEqual(['INSERT']);
  });

  it('resolves pending drains when closed', async () => {
    const feed = createChangeFeed();
    feed.subscribe(() => new Promise(() => {}), { maxBatchingWindowMs: 0 });
    feed.publish(streamRecords(1));

    const drained = feed.drain();
    feed.close();

    await expect(drained).resolves.toBeUndefined();
  });

  it('resumes a named subscription after its checkpoint and reports each handled batch', async () => {
    // Prepare: five records kept from an earlier run, of which "publisher" handled the first two
    const retained = streamRecords(5);
    const checkpoints: [string, string][] = [];
    const feed = createChangeFeed({
      retained,
      checkpoints: { publisher: sequenceNumbers(retained)[1] ?? '' },
      onCheckpoint: (name, sequenceNumber) => checkpoints.push([name, sequenceNumber]),
    });
    const resumed: DynamoDBRecord[] = [];
    const unnamed: DynamoDBRecord[] = [];

    // Act
    feed.subscribe(
      async (records) => {
        resumed.push(...records);
      },
      { name: 'publisher', batchSize: 2 },
    );
    feed.subscribe(async (records) => {
      unnamed.push(...records);
    });
    await feed.drain();

    // Assess
    expect(sequenceNumbers(resumed)).toEqual(sequenceNumbers(retained.slice(2)));
    expect(checkpoints).toEqual([
      ['publisher', sequenceNumbers(retained)[3]],
      ['publisher', sequenceNumbers(retained)[4]],
    ]);
    expect(unnamed).toEqual([]);
  });

  it('gives a named subscription without a checkpoint every retained record', async () => {
    const retained = streamRecords(3);
    const feed = createChangeFeed({ retained, checkpoints: { other: sequenceNumbers(retained)[2] ?? '' } });
    const resumed: DynamoDBRecord[] = [];

    feed.subscribe(
      async (records) => {
        resumed.push(...records);
      },
      { name: 'new-consumer' },
    );
    await feed.drain();

    expect(sequenceNumbers(resumed)).toEqual(sequenceNumbers(retained));
  });

  it('with a parallelization factor, runs batches at once, keeps each key in order, checkpoints past handled records only', async () => {
    // Prepare: 4 lanes; 40 records over 5 keys; the batch holding record 0 is held until another batch is done
    const checkpoints: string[] = [];
    const feed = createChangeFeed({ onCheckpoint: (_, sequenceNumber) => checkpoints.push(sequenceNumber) });
    const published = streamRecords(40).map((record, index) => ({
      ...record,
      dynamodb: { ...record.dynamodb, Keys: { pk: { S: `person-${index % 5}` }, sk: { S: `v${index}` } } },
    }));
    const first = sequenceNumbers(published)[0];
    let releaseFirst = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const handled: DynamoDBRecord[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    feed.subscribe(
      async (records) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        if (records.some((record) => record.dynamodb?.SequenceNumber === first)) await firstHeld;
        else await new Promise((resolve) => setTimeout(resolve, 5));
        handled.push(...records);
        inFlight -= 1;
      },
      {
        name: 'publisher',
        batchSize: 4,
        parallelizationFactor: 4,
        partitionKey: 'pk',
        maxBatchingWindowMs: 0,
      },
    );

    // Act
    feed.publish(published);
    const drained = feed.drain();
    while (handled.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const checkpointsWhileHeld = [...checkpoints];
    releaseFirst();
    await drained;

    // Assess: more than one batch ran at once; every key's records arrived in the order published
    expect(mostInFlight).toBeGreaterThan(1);
    expect(handled).toHaveLength(published.length);
    for (let key = 0; key < 5; key += 1) {
      const ofKey = (records: DynamoDBRecord[]) =>
        sequenceNumbers(records.filter((record) => record.dynamodb?.Keys?.pk?.S === `person-${key}`));
      expect(ofKey(handled)).toEqual(ofKey(published));
    }
    // the checkpoint never passed the held record, and ends on the last one once it is handled
    expect(checkpointsWhileHeld).toEqual([]);
    expect(checkpoints.at(-1)).toBe(sequenceNumbers(published).at(-1));
  });

  it('passes over the records its filter refuses, and checkpoints past them', async () => {
    const checkpoints: string[] = [];
    const feed = createChangeFeed({ onCheckpoint: (_, sequenceNumber) => checkpoints.push(sequenceNumber) });
    const published = streamRecords(6);
    const handled: DynamoDBRecord[] = [];
    feed.subscribe(
      async (records) => {
        handled.push(...records);
      },
      {
        name: 'statistics',
        filter: (record) => record.eventID !== 'event-0' && record.eventID !== 'event-3',
      },
    );

    feed.publish(published);
    await feed.drain();

    expect(handled.map((record) => record.eventID)).toEqual(['event-1', 'event-2', 'event-4', 'event-5']);
    expect(checkpoints).toEqual([sequenceNumbers(published)[5]]);
  });

  it('refuses a parallelization factor Lambda would refuse', () => {
    const feed = createChangeFeed();
    expect(() => feed.subscribe(async () => {}, { parallelizationFactor: 11 })).toThrow(
      'parallelizationFactor must be an integer from 1 to 10',
    );
  });
});
