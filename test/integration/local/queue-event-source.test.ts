import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localSqsClient } from '#local/emulators/clients.ts';
import { createQueues, startSqs } from '#local/emulators/sqs.ts';
import { createQueueEventSource } from '#local/queue-event-source.ts';

// The local stand-in for Lambda's event source mapping on an SQS queue, on fauxqs: messages queued before a
// crash are handled after the restart, in batches; a message reported failed comes again, and after its
// last delivery is handed over once and leaves the queue.

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'queue-event-source-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** An SQS emulator on the data dir with the queue, and an event source recording what it handed over. */
async function sourceOn(
  handle: (event: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>,
) {
  const sqs = await startSqs({ dataDir });
  const client = localSqsClient(sqs.endpoint);
  const { inbox } = await createQueues(sqs.endpoint, ['inbox'], { dlq: false });
  const failed: string[] = [];
  const source = createQueueEventSource({
    sqs: client,
    queueUrl: inbox?.queueUrl ?? '',
    batchSize: 25,
    handle,
    onFailure: async (body) => {
      failed.push(body);
    },
  });
  const close = async () => {
    client.destroy();
    await sqs.close();
  };
  return { source, failed, close };
}

describe('queue event source', () => {
  it('hands over in batches, after a restart, the messages queued before the process stopped', async () => {
    // Prepare: messages queued, no poller ever started (the process died first)
    const first = await sourceOn(async () => ({ batchItemFailures: [] }));
    await Promise.all(Array.from({ length: 40 }, (_, n) => first.source.send(`{"n":${n}}`)));
    const queuedBefore = await first.source.backlog();
    await first.close();
    const batches: string[][] = [];

    // Act
    const second = await sourceOn(async (event) => {
      batches.push(event.Records.map((record) => record.body));
      return { batchItemFailures: [] };
    });
    const stop = second.source.start();
    await second.source.drain();
    const queuedAfter = await second.source.backlog();
    await stop();
    await second.close();

    // Assess
    expect([queuedBefore, queuedAfter]).toEqual([40, 0]);
    expect(batches.flat().sort()).toEqual(Array.from({ length: 40 }, (_, n) => `{"n":${n}}`).sort());
    expect(Math.max(...batches.map((batch) => batch.length))).toBeGreaterThan(10); // beyond one receive
    expect(batches.every((batch) => batch.length <= 25)).toBe(true);
    expect(second.failed).toEqual([]);
  });

  it('delivers a reported failure again, then hands it over once and removes it from the queue', async () => {
    const receives = new Map<string, string[]>();
    const { source, failed, close } = await sourceOn(async (event) => {
      for (const { body, attributes } of event.Records) {
        receives.set(body, [...(receives.get(body) ?? []), attributes.ApproximateReceiveCount]);
      }
      const broken = event.Records.filter((record) => record.body === '{"broken":true}');
      return { batchItemFailures: broken.map((record) => ({ itemIdentifier: record.messageId })) };
    });

    const stop = source.start();
    await source.send('{"broken":true}');
    await source.send('{"fine":true}');
    await source.drain();
    await stop();
    await close();

    expect(receives.get('{"broken":true}')).toEqual(['1', '2', '3']);
    expect(receives.get('{"fine":true}')).toEqual(['1']);
    expect(failed).toEqual(['{"broken":true}']);
  });
});
