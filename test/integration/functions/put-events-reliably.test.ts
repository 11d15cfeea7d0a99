import type { Server } from 'node:http';
import { EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { putEventsReliably } from '#functions/adapters/event-bus.ts';
import { LOCAL_CREDENTIALS } from '#local/emulators/clients.ts';
import { startEventBridgeEndpoint } from '#local/eventbridge-endpoint.ts';

/** What the endpoint saw, and which entries (by Detail) it refuses, and how often (and with which code). */
const calls: PutEventsRequestEntry[][] = [];
const refusals = new Map<string, number>();
const refusalCodes = new Map<string, string>();
let server: Server;
let client: EventBridgeClient;

beforeAll(async () => {
  const endpoint = await startEventBridgeEndpoint({
    async putEvents(entries) {
      calls.push(entries);
      const results = entries.map((entry) => {
        const left = refusals.get(entry.Detail ?? '') ?? 0;
        if (left === 0) return { EventId: `id-${entry.Detail}` };
        refusals.set(entry.Detail ?? '', left - 1);
        return {
          ErrorCode: refusalCodes.get(entry.Detail ?? '') ?? 'InternalFailure',
          ErrorMessage: 'try again',
        };
      });
      return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
    },
  });
  server = endpoint.server;
  client = new EventBridgeClient({
    endpoint: endpoint.endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
  });
});

afterAll(() => {
  client.destroy();
  server.close();
});

beforeEach(() => {
  calls.length = 0;
  refusals.clear();
  refusalCodes.clear();
});

const entries = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    key: `k${i}`,
    entry: { Source: 'test', DetailType: 'T', Detail: JSON.stringify({ i }) },
  }));

describe('putEventsReliably', () => {
  it('sends at most 10 entries per PutEvents call, every entry once', async () => {
    const failed = await putEventsReliably(client, entries(25));

    expect(failed).toEqual([]);
    expect(calls.map((c) => c.length).sort((a, b) => b - a)).toEqual([10, 10, 5]);
    const sent = calls.flat().map((e) => JSON.parse(e.Detail ?? '{}').i);
    expect(sent.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('re-sends only the entries EventBridge refused', async () => {
    refusals.set(JSON.stringify({ i: 3 }), 2);

    const failed = await putEventsReliably(client, entries(5), { baseDelayMs: 1 });

    expect(failed).toEqual([]);
    expect(calls.map((c) => c.map((e) => JSON.parse(e.Detail ?? '{}').i))).toEqual([
      [0, 1, 2, 3, 4],
      [3],
      [3],
    ]);
  });

  it('returns the keys of entries still refused after the last attempt, and sends the rest', async () => {
    refusals.set(JSON.stringify({ i: 1 }), 99);

    const failed = await putEventsReliably(client, entries(3), { maxAttempts: 3, baseDelayMs: 1 });

    expect(failed).toEqual(['k1']);
    expect(calls).toHaveLength(3);
  });

  it('tells how many entries EventBridge throttled, call by call, and nothing of other failures', async () => {
    for (const i of [0, 2]) {
      refusals.set(JSON.stringify({ i }), 1);
      refusalCodes.set(JSON.stringify({ i }), 'ThrottlingException');
    }
    refusals.set(JSON.stringify({ i: 1 }), 1);
    const throttled: number[] = [];

    const failed = await putEventsReliably(client, entries(3), {
      baseDelayMs: 1,
      onThrottled: (n) => throttled.push(n),
    });

    expect(failed).toEqual([]);
    expect(throttled).toEqual([2]);
  });
});
