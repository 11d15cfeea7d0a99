import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countersOfDivision, statsContribution } from '#domain/stats.ts';
import { ProfileStore } from '#functions/adapters/profile-store.ts';
import { RecordStore } from '#functions/adapters/record-store.ts';
import { counterShardOf, statsItemPk } from '#functions/adapters/stats-store.ts';
import { createDeriveHandler } from '#functions/derive/handler.ts';
import { DEFAULT_DERIVED_CONFIG } from '#functions/runtime/derived-config.ts';
import { LOCAL_STREAM_SHARD } from '#local/derived-services.ts';
import { localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { meterDynamoDb } from '#local/request-meter.ts';
import {
  derivedEvents,
  derivedWorld,
  employment,
  type FakeBus,
  pension,
  personKey,
  registration,
  startFakeBus,
} from '../../helpers/derived-world.ts';
import { idNumberFor } from '../../helpers/sample-people.ts';
import { sorted } from '../../unit/domain/stats-facts.ts';

let emulator: DynamoDbEmulator;
let client: DynamoDBClient;
let bus: FakeBus;
const clock = { now: new Date('2025-10-01T02:00:00Z') };

beforeAll(async () => {
  emulator = await startDynamoDb();
  client = localDynamoDbClient(emulator.endpoint);
  bus = await startFakeBus();
});

afterAll(async () => {
  bus?.server.close();
  await emulator?.close();
});

/** Every item of a table, to prove a replay changed nothing at all. */
async function snapshot(tableName: string, prefixes: string[]) {
  const doc = DynamoDBDocumentClient.from(client);
  const items: unknown[] = [];
  for (const pk of prefixes) {
    const out = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
      }),
    );
    items.push(...(out.Items ?? []));
  }
  return items;
}

describe('derive: change events → profile, eligibility, points, statistics', () => {
  it('derives an eligible worker (hukou elsewhere, six months resided, employed) and says so once', async () => {
    // Prepare
    clock.now = new Date('2025-10-01T02:00:00Z');
    const world = await derivedWorld(client, emulator.changes, bus, clock);
    const id = idNumberFor('341222', '1990-03-07', 123);
    const events = await world.submit([registration(id, '2025-03-01'), employment(id, '2025-03-03')]);
    const before = bus.entries.length;

    // Act: both events; the first run already reads both records, the second finds nothing new
    const outcomes = [];
    for (const event of events) outcomes.push(await world.derive(event));
    await world.settle();

    // Assess
    expect(outcomes.map((o) => 'wrote' in o && o.wrote)).toEqual([true, false]);
    const item = await world.profiles.get(personKey(id));
    expect(item).toMatchObject({
      version: 1,
      eligibility: { asOf: '2025-10-01', eligible: true, eligibleFrom: '2025-09-01' },
      points: { city: '3301', example: true },
    });
    expect(item?.profile.residences).toHaveLength(1);
    expect(item?.profile.employments).toHaveLength(1);
    expect(item?.reviewOn).toBeUndefined();
    expect(item?.outbox?.map((e) => e.DetailType)).toEqual([
      'PersonProfile.Updated',
      'PermitEligibility.Changed',
    ]);
    expect(bus.entries.slice(before).map((e) => e.DetailType)).toEqual([
      'PersonProfile.Updated',
      'PermitEligibility.Changed',
    ]);
    expect(bus.entries.every((e) => e.Source === 'residence-data-hub.derived')).toBe(true);
  });

  it('emits PersonProfile.Updated for a new record, PermitEligibility.Changed only when the outcome changes', async () => {
    // Prepare
    clock.now = new Date('2025-10-01T02:00:00Z');
    const world = await derivedWorld(client, emulator.changes, bus, clock);
    const id = idNumberFor('341222', '1990-03-07', 125);
    const [registered] = await world.submit([registration(id, '2025-03-01')]);
    await world.derive(registered);
    await world.settle();
    const first = bus.entries.length;

    // Act
    const [employed] = await world.submit([employment(id, '2025-03-03')]);
    await world.derive(employed);
    await world.settle();
    const second = bus.entries.length;
    const [insured] = await world.submit([pension(id, '2025-04-01')]);
    await world.derive(insured);
    await world.settle();

    // Assess
    const key = personKey(id);
    expect(bus.entries.slice(first, second).map((e) => e.DetailType)).toEqual([
      'PersonProfile.Updated',
      'PermitEligibility.Changed',
    ]);
    expect(bus.entries.slice(second).map((e) => e.DetailType)).toEqual(['PersonProfile.Updated']);
    expect(
      derivedEvents(bus, 'PersonProfile.Updated')
        .filter((d) => d.personKey === key)
        .at(-1),
    ).toMatchObject({
      id: `${key}:3`,
      version: 3,
      changedSections: ['insurances'],
      divisionCode: '330106',
    });
    expect(derivedEvents(bus, 'PermitEligibility.Changed').filter((d) => d.personKey === key)).toMatchObject([
      { version: 1, eligible: false, missing: ['employment', 'housing', 'schooling'], cause: 'records' },
      { version: 2, eligible: true, eligibleFrom: '2025-09-01', previous: { eligible: false } },
    ]);
  });

  it('leaves everything unchanged when the same events are replayed (item, counters, no events)', async () => {
    // Prepare
    clock.now = new Date('2025-10-01T02:00:00Z');
    const world = await derivedWorld(client, emulator.changes, bus, clock);
    const id = idNumberFor('341222', '1991-04-08', 135);
    const events = await world.submit([
      registration(id, '2025-03-01'),
      employment(id, '2025-03-03'),
      pension(id, '2025-04-01'),
    ]);
    for (const event of events) await world.derive(event);
    await world.settle();
    const items = [`PERSON#${personKey(id)}`, statsItemPk('330106', counterShardOf(LOCAL_STREAM_SHARD))];
    const stored = await snapshot(world.tableName, items);
    const sent = bus.entries.length;

    // Act: every event again, in another order, twice
    for (const event of [...events].reverse()) await world.derive(event);
    for (const event of events) await world.derive(event);
    await world.settle();

    // Assess
    expect(stored).toHaveLength(2);
    expect(await snapshot(world.tableName, items)).toEqual(stored);
    expect(bus.entries.length).toBe(sent);
  });

  it('builds one profile from a person’s events delivered at the same moment, counted once', async () => {
    // Prepare
    clock.now = new Date('2025-10-01T02:00:00Z');
    const world = await derivedWorld(client, emulator.changes, bus, clock);
    const id = idNumberFor('341222', '1992-05-09', 147);
    const events = await world.submit([
      registration(id, '2025-03-01'),
      employment(id, '2025-03-03'),
      pension(id, '2025-04-01'),
    ]);

    // Act
    await Promise.all(events.map((event) => world.derive(event)));
    await world.settle();

    // Assess
    const item = await world.profiles.get(personKey(id));
    expect(Object.keys(item?.profile.sources ?? {})).toHaveLength(3);
    expect(item?.eligibility.eligible).toBe(true);
    const counters = await world.stats.readCounters('330106');
    const expected = countersOfDivision(statsContribution(item?.profile), '330106');
    expect(sorted(counters)).toEqual(sorted(expected));
  });

  it('indexes a person who moved in five months ago under the day the six months are reached', async () => {
    // Prepare
    clock.now = new Date('2025-08-01T02:00:00Z');
    const world = await derivedWorld(client, emulator.changes, bus, clock);
    const id = idNumberFor('341222', '1993-06-10', 159);
    const events = await world.submit([registration(id, '2025-03-01'), employment(id, '2025-03-01')]);

    // Act
    for (const event of events) await world.derive(event);

    // Assess
    const item = await world.profiles.get(personKey(id));
    expect(item).toMatchObject({
      eligibility: { eligible: false, eligibleFrom: '2025-09-01' },
      reviewOn: '2025-09-01',
      gsi1pk: 'ELIGIBILITY-DUE#2025-09-01',
      gsi1sk: personKey(id),
    });
    expect(await world.profiles.dueOn('2025-09-01')).toEqual([personKey(id)]);
  });

  it('makes the person eligible on the daily evaluation of that day, and only then', async () => {
    // Prepare
    clock.now = new Date('2025-08-01T02:00:00Z');
    const world = await derivedWorld(client, emulator.changes, bus, clock);
    const id = idNumberFor('341222', '1994-07-11', 161);
    const key = personKey(id);
    for (const event of await world.submit([registration(id, '2025-03-01'), employment(id, '2025-03-01')]))
      await world.derive(event);
    await world.settle();
    const sent = bus.entries.length;

    // Act
    const dayBefore = await world.derive.evaluateDue({ asOf: '2025-08-31' });
    await world.settle();
    const unchanged = bus.entries.length;
    const onTheDay = await world.derive.evaluateDue({ asOf: '2025-09-01' });
    const again = await world.derive.evaluateDue({ asOf: '2025-09-01' });
    await world.settle();

    // Assess
    expect(dayBefore).toMatchObject({
      asOf: '2025-08-31',
      from: '2025-08-01',
      days: 31,
      evaluated: 0,
      changed: 0,
    });
    expect(unchanged).toBe(sent);
    expect(onTheDay).toEqual({ asOf: '2025-09-01', from: '2025-09-01', days: 1, evaluated: 1, changed: 1 });
    expect(again).toEqual({ asOf: '2025-09-01', days: 0, evaluated: 0, changed: 0 });
    const changes = derivedEvents(bus, 'PermitEligibility.Changed').filter((d) => d.personKey === key);
    expect(changes.at(-1)).toMatchObject({
      eligible: true,
      eligibleFrom: '2025-09-01',
      asOf: '2025-09-01',
      cause: 'time',
      previous: { eligible: false, eligibleFrom: '2025-09-01' },
    });
    const item = await world.profiles.get(key);
    expect(item).toMatchObject({ eligibility: { eligible: true, asOf: '2025-09-01' } });
    expect(item?.reviewOn).toBeUndefined();
    expect(await world.profiles.dueOn('2025-09-01')).toEqual([]);
  });

  it('runs the daily evaluation from the scheduled event, as of its China date', async () => {
    clock.now = new Date('2025-08-01T02:00:00Z');
    const world = await derivedWorld(client, emulator.changes, bus, clock);
    const id = idNumberFor('341222', '1995-08-12', 173);
    for (const event of await world.submit([registration(id, '2025-03-01'), employment(id, '2025-03-01')]))
      await world.derive(event);

    // 2025-08-31T16:05Z is 00:05 on 2025-09-01 in China.
    const summary = await world.derive({
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      time: '2025-08-31T16:05:00Z',
    });

    expect(summary).toMatchObject({ asOf: '2025-09-01', evaluated: 1, changed: 1 });
  });

  it('publishes a version’s derived events from the stream, again when the bus refused them', async () => {
    // Prepare: the bus refuses every attempt of the publisher's first delivery (4 attempts of 2 entries)
    clock.now = new Date('2025-10-01T02:00:00Z');
    const world = await derivedWorld(client, emulator.changes, bus, clock);
    const id = idNumberFor('341222', '1996-09-13', 185);
    const [event] = await world.submit([registration(id, '2025-03-01')]);
    await world.settle(); // nothing of an earlier test still on its way to the bus
    const sent = bus.entries.length;
    bus.refuseNext = 8;

    // Act: the derivation writes the version; the stream delivers it to the publisher until it is on the bus
    const derived = await world.derive(event);
    await world.settle();

    // Assess
    expect(derived).toMatchObject({
      wrote: true,
      events: ['PersonProfile.Updated', 'PermitEligibility.Changed'],
    });
    expect(bus.refuseNext).toBe(0);
    expect(bus.entries.slice(sent).map((e) => JSON.parse(e.Detail ?? '{}').id)).toEqual([
      `${personKey(id)}:1`,
      `${personKey(id)}:1`,
    ]);
  });

  it('derives a queued batch person by person with shared reads, reporting only a failed person’s messages', async () => {
    // Prepare: A has two records, B one; B's index query fails; one message is not a change event
    clock.now = new Date('2025-10-01T02:00:00Z');
    const world = await derivedWorld(client, emulator.changes, bus, clock);
    const [a, b] = [idNumberFor('341222', '1997-10-14', 197), idNumberFor('341222', '1998-11-15', 209)];
    const events = await world.submit([
      registration(a, '2025-03-01'),
      employment(a, '2025-03-03'),
      registration(b, '2025-04-01'),
    ]);
    const metered = localDynamoDbClient(emulator.endpoint);
    const meter = meterDynamoDb(metered);
    class FailingFor extends RecordStore {
      override async recordIdsOfPerson(key: string) {
        if (key === personKey(b)) throw new Error('index unavailable');
        return super.recordIdsOfPerson(key);
      }
    }
    const derive = createDeriveHandler({
      records: new FailingFor(metered, world.tableName),
      profiles: new ProfileStore(metered, world.tableName),
      eventBusName: 'test-bus',
      config: DEFAULT_DERIVED_CONFIG,
      now: () => clock.now,
    });
    const message = (body: string, n: number) => ({ eventSource: 'aws:sqs', messageId: `m${n}`, body });
    const batch = [...events.map((event, n) => message(JSON.stringify(event), n)), message('not json', 9)];

    // Act
    const response = await derive({ Records: batch });

    // Assess: A derived once from both records; B's message reported; reads shared by the batch
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    const item = await world.profiles.get(personKey(a));
    expect(Object.keys(item?.profile.sources ?? {})).toHaveLength(2);
    expect(await world.profiles.get(personKey(b))).toBeUndefined();
    expect(meter.counts()).toEqual({
      BatchGetItem: { calls: 2, itemWrites: 0 },
      Query: { calls: 1, itemWrites: 0 }, // A's; B's failed before it was sent
      PutItem: { calls: 1, itemWrites: 1 },
    });
    metered.destroy();
  });

  it('ignores events without a person (a rental property) and anything else', async () => {
    const world = await derivedWorld(client, emulator.changes, bus, clock);

    expect(await world.derive({ source: 'residence-data-hub', detail: { recordId: 'x' } })).toHaveProperty(
      'ignored',
    );
    expect(await world.derive({ source: 'elsewhere' })).toHaveProperty('ignored');
  });
});
