import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contributionDelta, type StatsFacts, statsContribution, sumContributions } from '#domain/stats.ts';
import {
  counterShardOf,
  type SequencedDelta,
  STATS_ITEM_SK,
  StatsStore,
  statsItemPk,
} from '#functions/adapters/stats-store.ts';
import { ensureTable, localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { RECORDS_TABLE } from '#local/emulators/table-definition.ts';
import { meterDynamoDb } from '#local/request-meter.ts';
import { employment, facts, residence, sorted } from '../../unit/domain/stats-facts.ts';
import { sequenceNumber } from './profile-records.ts';
import { allCounters, faultyClient, InjectedFault } from './stats-faults.ts';

const HOUR_MS = 3_600_000;

let emulator: DynamoDbEmulator;
let client: DynamoDBClient;
let tables = 0;

beforeAll(async () => {
  emulator = await startDynamoDb();
  client = localDynamoDbClient(emulator.untappedEndpoint);
});

afterAll(async () => {
  await emulator?.close();
});

/** A fresh table per test: its counters are only what the test adds. */
async function freshTable(): Promise<string> {
  const tableName = `stats-store-${++tables}`;
  await ensureTable(client, { ...RECORDS_TABLE, tableName });
  return tableName;
}

const newcomer = (county: string, movedInOn = '2024-03-05'): StatsFacts =>
  facts({ residences: [residence(county, movedInOn)], employments: [employment(movedInOn)] });

/** A batch entry: a person appearing with these facts (or changing from `before`), at stream position `seq`. */
const change = (seq: number, after: StatsFacts, before?: StatsFacts): SequencedDelta => ({
  sequenceNumber: sequenceNumber(seq),
  delta: contributionDelta(statsContribution(before), statsContribution(after)),
});

/** What the counters must hold once the given people are counted. */
const recount = (people: readonly StatsFacts[]) =>
  sorted(sumContributions(people.map((person) => statsContribution(person))));

describe('StatsStore.applyBatch', () => {
  it('adds a batch with one write per touched counter item, whatever the number of people', async () => {
    // Prepare
    const tableName = await freshTable();
    const metered = localDynamoDbClient(emulator.untappedEndpoint);
    const meter = meterDynamoDb(metered);
    const people = [
      newcomer('330106'),
      newcomer('330106', '2023-07-01'),
      newcomer('330108'),
      newcomer('330205'),
    ];

    // Act
    const outcome = await new StatsStore(metered, tableName).applyBatch(
      'shardId-1',
      people.map((person, index) => change(10 + index, person)),
    );

    // Assess: province, 2 cities, 3 counties
    expect(outcome).toEqual({ itemsWritten: 6, itemsResumed: 0 });
    expect(meter.counts()).toEqual({ UpdateItem: { calls: 6, itemWrites: 6 } });
    expect(sorted(await allCounters(client, tableName))).toEqual(recount(people));
  });

  it('adds nothing for a batch it holds, and only the new records of one that starts there and goes further', async () => {
    // Prepare
    const tableName = await freshTable();
    const store = new StatsStore(client, tableName);
    const [a, b, c, d] = [newcomer('330106'), newcomer('330106'), newcomer('330108'), newcomer('330106')];
    const batch = [change(10, a), change(11, b)];
    await store.applyBatch('shardId-1', batch);

    // Act: the same batch again, a longer one from the same record, then its bisected second half
    const again = await store.applyBatch('shardId-1', batch);
    const longer = await store.applyBatch('shardId-1', [...batch, change(12, c), change(13, d)]);
    const half = await store.applyBatch('shardId-1', [change(12, c), change(13, d)]);

    // Assess
    expect(again).toEqual({ itemsWritten: 0, itemsResumed: 3 });
    expect(longer.itemsResumed).toBe(3); // province, city and Xihu held a prefix; Xihu got d, Hangzhou both
    expect(half).toEqual({ itemsWritten: 0, itemsResumed: 4 });
    expect(sorted(await allCounters(client, tableName))).toEqual(recount([a, b, c, d]));
  });

  it('adds the rest of a redelivered batch even when the whole batch cancels out for an item', async () => {
    // Prepare: a person registers, then (in a later record of the same batch) leaves again
    const tableName = await freshTable();
    const store = new StatsStore(client, tableName);
    const registered = newcomer('330106');
    const gone = facts({ employments: registered.employments });
    await store.applyBatch('shardId-1', [change(10, registered)]);

    // Act: the batch comes again, longer: its sum for Xihu is zero, but Xihu already holds its first record
    await store.applyBatch('shardId-1', [change(10, registered), change(11, gone, registered)]);

    // Assess
    expect(sorted(await allCounters(client, tableName))).toEqual(recount([gone]));
  });

  it('counts a batch once when a delivery failed at any request, before or after the table applied it', async () => {
    const people = [newcomer('330106'), newcomer('330108'), newcomer('330205'), newcomer('320102')];
    const batch = people.map((person, index) => change(20 + index, person));
    for (const mode of ['before-request', 'after-request'] as const) {
      for (let failAt = 1; failAt <= 9; failAt += 1) {
        // Prepare
        const tableName = await freshTable();
        const faulty = faultyClient(emulator.untappedEndpoint, { failAt, mode, dies: true });

        // Act: the failed delivery, then Lambda's retry of the same batch
        await expect(new StatsStore(faulty.client, tableName).applyBatch('shardId-1', batch)).rejects.toThrow(
          InjectedFault,
        );
        faulty.client.destroy();
        await new StatsStore(client, tableName).applyBatch('shardId-1', batch);

        // Assess
        expect(sorted(await allCounters(client, tableName)), `${mode} at ${failAt}`).toEqual(recount(people));
      }
    }
  });

  it('keeps one watermark per stream shard on a counter item that several shards write', async () => {
    // Prepare: one counter shard, so both stream shards write the same items
    const tableName = await freshTable();
    const store = new StatsStore(client, tableName, { counterShards: 1 });
    const [a, b, c] = [newcomer('330106'), newcomer('330106'), newcomer('330106')];
    await store.applyBatch('shardId-later', [change(500, a)]);

    // Act: another shard's records have lower sequence numbers; then a redelivery of each
    await store.applyBatch('shardId-earlier', [change(7, b), change(8, c)]);
    await store.applyBatch('shardId-later', [change(500, a)]);
    await store.applyBatch('shardId-earlier', [change(7, b), change(8, c)]);

    // Assess
    expect(sorted(await allCounters(client, tableName))).toEqual(recount([a, b, c]));
    const { Item } = await DynamoDBDocumentClient.from(client).send(
      new GetCommand({ TableName: tableName, Key: { pk: statsItemPk('330106', 0), sk: STATS_ITEM_SK } }),
    );
    expect(Item).toMatchObject({
      'w#shardId-later': { seq: sequenceNumber(500).padStart(40, '0') },
      'w#shardId-earlier': { seq: sequenceNumber(8).padStart(40, '0') },
    });
  });

  it('spreads stream shards over counter shards and sums them on read', async () => {
    // Prepare: two stream shards that hash to different counter shards
    const tableName = await freshTable();
    const store = new StatsStore(client, tableName);
    const ids = Array.from({ length: 20 }, (_, index) => `shardId-${index}`);
    const first = ids[0] ?? '';
    const second = ids.find((id) => counterShardOf(id) !== counterShardOf(first)) ?? '';
    const [a, b] = [newcomer('330106'), newcomer('330106', '2022-01-01')];

    // Act
    await store.applyBatch(first, [change(1, a)]);
    await store.applyBatch(second, [change(1, b)]);

    // Assess
    const xihu = await store.readCounters('330106');
    expect(xihu.get('registered')).toBe(2);
    expect(xihu.get('movedIn:2022-01')).toBe(1);
    expect((await store.readCounters('330000')).get('registered')).toBe(2);
    const doc = DynamoDBDocumentClient.from(client);
    for (const id of [first, second]) {
      const key = { pk: statsItemPk('330106', counterShardOf(id)), sk: STATS_ITEM_SK };
      expect(
        (await doc.send(new GetCommand({ TableName: tableName, Key: key }))).Item?.['c#registered'],
      ).toBe(1);
    }
  });

  it('removes the watermarks of shards not heard of for two days, never the writer’s own', async () => {
    // Prepare: shard "old" writes at hour 0; shard "new" writes at hour 49 and learns that "old" is stale
    const tableName = await freshTable();
    let clock = 0;
    const store = new StatsStore(client, tableName, { counterShards: 1, now: () => clock });
    const people = [newcomer('330106'), newcomer('330106'), newcomer('330106'), newcomer('330106')];
    await store.applyBatch('shardId-old', [change(1, people[0] as StatsFacts)]);
    clock = 49 * HOUR_MS;
    await store.applyBatch('shardId-new', [change(2, people[1] as StatsFacts)]);

    // Act: its next write removes the stale watermark
    await store.applyBatch('shardId-new', [change(3, people[2] as StatsFacts)]);
    clock = 100 * HOUR_MS;
    await store.applyBatch('shardId-new', [change(4, people[3] as StatsFacts)]);

    // Assess
    const { Item } = await DynamoDBDocumentClient.from(client).send(
      new GetCommand({ TableName: tableName, Key: { pk: statsItemPk('330106', 0), sk: STATS_ITEM_SK } }),
    );
    expect(Object.keys(Item ?? {}).filter((name) => name.startsWith('w#'))).toEqual(['w#shardId-new']);
    expect(sorted(await allCounters(client, tableName))).toEqual(recount(people));
  });

  it('refuses a batch out of stream order, a malformed sequence number and a missing shard id', async () => {
    const store = new StatsStore(client, await freshTable());
    const person = newcomer('330106');

    await expect(store.applyBatch('shardId-1', [change(5, person), change(4, person)])).rejects.toThrow(
      /increasing sequence-number order/,
    );
    await expect(
      store.applyBatch('shardId-1', [{ sequenceNumber: '12a', delta: change(1, person).delta }]),
    ).rejects.toThrow(/not a stream sequence number/);
    await expect(store.applyBatch('', [change(1, person)])).rejects.toThrow(/shard id/);
  });
});
