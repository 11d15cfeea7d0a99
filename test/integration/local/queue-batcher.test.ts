import { randomUUID } from 'node:crypto';
import type { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSqsClient } from '#local/emulators/clients.ts';
import { createQueues, type SqsEmulator, startSqs } from '#local/emulators/sqs.ts';
import { createQueueBatcher, QueueSendError } from '#local/queue-batcher.ts';
import { takeAllMessages } from '#local/queue-tools.ts';

let sqs: SqsEmulator;
let client: SQSClient;
/** Entry counts of every SendMessageBatch the client sent, by queue. */
const batches = new Map<string, number[]>();

beforeAll(async () => {
  sqs = await startSqs();
  client = localSqsClient(sqs.endpoint);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'SendMessageBatchCommand') {
        const input = args.input as SendMessageBatchCommand['input'];
        const sizes = batches.get(input.QueueUrl ?? '') ?? [];
        sizes.push(input.Entries?.length ?? 0);
        batches.set(input.QueueUrl ?? '', sizes);
      }
      return next(args);
    },
    { step: 'initialize', name: 'countBatches' },
  );
});

afterAll(async () => {
  client?.destroy();
  await sqs?.close();
});

async function newQueue(suffix = ''): Promise<string> {
  const name = `batcher-${randomUUID().slice(0, 8)}${suffix}`;
  return (await createQueues(sqs.endpoint, [name], { dlq: false }))[name]?.queueUrl ?? '';
}

describe('queue batcher', () => {
  it('sends concurrent messages to one queue in batches of 10 and answers each sender with its own id', async () => {
    // Prepare
    const queueUrl = await newQueue();
    const batcher = createQueueBatcher({ client });
    const bodies = Array.from({ length: 25 }, (_, index) => JSON.stringify({ index }));

    // Act
    const ids = await Promise.all(bodies.map((body) => batcher.send(queueUrl, { MessageBody: body })));

    // Assess
    expect(batches.get(queueUrl)).toEqual([10, 10, 5]);
    const received = await takeAllMessages(client, queueUrl);
    const idOfBody = new Map(received.map((message) => [message.Body, message.MessageId]));
    expect(ids).toEqual(bodies.map((body) => idOfBody.get(body)));
    expect(new Set(ids).size).toBe(25);
  });

  it('keeps queues apart and passes message attributes through', async () => {
    // Prepare
    const [first, second] = [await newQueue(), await newQueue()];
    const batcher = createQueueBatcher({ client });
    const attributes = { ERROR_CODE: { DataType: 'String', StringValue: 'SQS_DELIVERY_FAILED' } };

    // Act
    await Promise.all([
      batcher.send(first, { MessageBody: 'a', MessageAttributes: attributes }),
      batcher.send(second, { MessageBody: 'b' }),
      batcher.send(first, { MessageBody: 'c' }),
    ]);

    // Assess
    expect(batches.get(first)).toEqual([2]);
    expect(batches.get(second)).toEqual([1]);
    const inFirst = await takeAllMessages(client, first);
    expect(inFirst.map((message) => message.Body).sort()).toEqual(['a', 'c']);
    expect(inFirst.find((message) => message.Body === 'a')?.MessageAttributes).toEqual(attributes);
    expect((await takeAllMessages(client, second)).map((message) => message.Body)).toEqual(['b']);
  });

  it('rejects only the sender whose entry SQS refused, with SQS code, and delivers the rest', async () => {
    // Prepare
    const queueUrl = await newQueue();
    const batcher = createQueueBatcher({ client });

    // Act
    const outcomes = await Promise.allSettled([
      batcher.send(queueUrl, { MessageBody: 'fine' }),
      batcher.send(queueUrl, { MessageBody: 'not \u0000 allowed' }),
      batcher.send(queueUrl, { MessageBody: 'also fine' }),
    ]);

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const refused = (outcomes[1] as PromiseRejectedResult).reason;
    expect(refused).toBeInstanceOf(QueueSendError);
    expect(refused).toMatchObject({ code: 'InvalidMessageContents', senderFault: true });
    const received = await takeAllMessages(client, queueUrl);
    expect(received.map((message) => message.Body).sort()).toEqual(['also fine', 'fine']);
  });

  it('rejects every sender of a batch whose call fails', async () => {
    // Prepare
    const missing = `${await newQueue()}-gone`;
    const batcher = createQueueBatcher({ client });

    // Act
    const outcomes = await Promise.allSettled(
      ['x', 'y'].map((body) => batcher.send(missing, { MessageBody: body })),
    );

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toMatchObject({
      name: expect.stringContaining('QueueDoesNotExist'),
    });
  });

  it('splits a batch before it outgrows the byte limit; a message too big alone goes alone', async () => {
    // Prepare
    const queueUrl = await newQueue();
    const batcher = createQueueBatcher({ client, maxBatchBytes: 1_000 });
    const sizes = [400, 400, 400, 1_500, 10];

    // Act
    await Promise.all(sizes.map((size) => batcher.send(queueUrl, { MessageBody: 'x'.repeat(size) })));

    // Assess
    expect(batches.get(queueUrl)).toEqual([2, 1, 1, 1]);
    expect(await takeAllMessages(client, queueUrl)).toHaveLength(5);
  });

  it('keeps the order of a FIFO queue', async () => {
    // Prepare
    const queueUrl = await newQueue('.fifo');
    const batcher = createQueueBatcher({ client });
    const bodies = Array.from({ length: 23 }, (_, index) => `m${index}`);

    // Act
    await Promise.all(
      bodies.map((body) =>
        batcher.send(queueUrl, { MessageBody: body, MessageGroupId: 'g', MessageDeduplicationId: body }),
      ),
    );

    // Assess
    expect(batches.get(queueUrl)).toEqual([10, 10, 3]);
    const received = await takeAllMessages(client, queueUrl);
    expect(received.map((message) => message.Body)).toEqual(bodies);
  });
});

describe('queue batcher in flight', () => {
  /** A client whose every SendMessageBatch waits until released, and then succeeds. */
  function heldClient() {
    const sent: string[][] = [];
    const releases: (() => void)[] = [];
    const fake = {
      async send(command: SendMessageBatchCommand) {
        const entries = command.input.Entries ?? [];
        sent.push(entries.map((entry) => entry.MessageBody ?? ''));
        await new Promise<void>((resolve) => releases.push(resolve));
        return {
          Successful: entries.map((entry) => ({ Id: entry.Id, MessageId: `id-${entry.MessageBody}` })),
        };
      },
    };
    return { client: fake as unknown as SQSClient, sent, releases };
  }

  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it('lets further messages wait while the limit of batches is out, then sends them together', async () => {
    // Prepare
    const held = heldClient();
    const batcher = createQueueBatcher({ client: held.client, maxInFlightPerQueue: 1 });

    // Act: one message leaves alone; three more arrive while it is out
    const first = batcher.send('q', { MessageBody: 'a' });
    await turn();
    const later = ['b', 'c', 'd'].map((body) => batcher.send('q', { MessageBody: body }));
    await turn();
    const sentWhileHeld = held.sent.length;
    held.releases.shift()?.();
    await first;
    await turn();
    held.releases.shift()?.();

    // Assess
    expect(sentWhileHeld).toBe(1);
    expect(await Promise.all(later)).toEqual(['id-b', 'id-c', 'id-d']);
    expect(held.sent).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('answers an entry SQS left out of its answer with a rejection', async () => {
    // Prepare
    const fake = { send: async () => ({ Successful: [], Failed: [] }) } as unknown as SQSClient;
    const batcher = createQueueBatcher({ client: fake });

    // Act
    const sent = batcher.send('q', { MessageBody: 'lost' });

    // Assess
    await expect(sent).rejects.toMatchObject({ code: 'MissingResult' });
  });
});
