import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAsyncInvoker } from '#local/async-invocations.ts';
import { localSqsClient } from '#local/emulators/clients.ts';
import { createQueues, startSqs } from '#local/emulators/sqs.ts';

// The local stand-in for Lambda's asynchronous invocation queue, on fauxqs: an event queued before a crash
// runs after the restart; an event that keeps failing is handed over once and leaves the queue.

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'async-invocations-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** An SQS emulator on the data dir with the invocation queue, and an invoker recording what it ran. */
async function invokerOn(run: (payload: string) => Promise<void>) {
  const sqs = await startSqs({ dataDir });
  const client = localSqsClient(sqs.endpoint);
  const { invocations } = await createQueues(sqs.endpoint, ['invocations'], { dlq: false });
  const failed: string[] = [];
  const invoker = createAsyncInvoker({
    sqs: client,
    queueUrl: invocations?.queueUrl ?? '',
    concurrency: 2,
    run,
    onFailure: async (payload) => {
      failed.push(payload);
    },
  });
  const close = async () => {
    client.destroy();
    await sqs.close();
  };
  return { invoker, failed, close };
}

describe('asynchronous invocations', () => {
  it('runs after a restart the events queued before the process stopped without running them', async () => {
    // Prepare: events queued, no worker ever started (the process died first)
    const first = await invokerOn(async () => {});
    await first.invoker.invoke('{"n":1}');
    await first.invoker.invoke('{"n":2}');
    await first.close();
    const ran: string[] = [];

    // Act
    const second = await invokerOn(async (payload) => {
      ran.push(payload);
    });
    const stop = second.invoker.start();
    await second.invoker.drain();
    await stop();
    await second.close();

    // Assess
    expect(ran.sort()).toEqual(['{"n":1}', '{"n":2}']);
    expect(second.failed).toEqual([]);
  });

  it('retries a failing event, then hands it over once and removes it from the queue', async () => {
    let attempts = 0;
    const { invoker, failed, close } = await invokerOn(async () => {
      attempts += 1;
      throw new Error('derive failed');
    });

    const stop = invoker.start();
    await invoker.invoke('{"n":3}');
    await invoker.drain();
    await stop();
    await close();

    expect(attempts).toBe(3);
    expect(failed).toEqual(['{"n":3}']);
  });
});
