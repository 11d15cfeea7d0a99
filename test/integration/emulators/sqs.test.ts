import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSqsClient } from '#local/emulators/clients.ts';
import { createQueues, type SqsEmulator, startSqs } from '#local/emulators/sqs.ts';

let emulator: SqsEmulator;
let client: SQSClient;

beforeAll(async () => {
  emulator = await startSqs({ port: 0 });
  client = localSqsClient(emulator.endpoint);
});

afterAll(async () => {
  client?.destroy();
  await emulator?.close();
});

let queueCounter = 0;
function queueName(): string {
  queueCounter += 1;
  return `department-${process.pid}-${queueCounter}`;
}

async function receiveAll(queueUrl: string, expected: number): Promise<string[]> {
  const bodies: string[] = [];
  for (let round = 0; round < 10 && bodies.length < expected; round++) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    bodies.push(...Messages.map((message) => message.Body ?? ''));
  }
  return bodies;
}

describe('SQS emulator', () => {
  it('listens on the loopback interface only', () => {
    expect(emulator.address.address).toBe('127.0.0.1');
    expect(emulator.endpoint).toBe(`http://127.0.0.1:${emulator.address.port}`);
  });

  it('creates a queue with a dead-letter queue and a redrive policy, with URLs on its own endpoint', async () => {
    const name = queueName();

    const queues = await createQueues(emulator.endpoint, [name], { maxReceiveCount: 4 });

    const queue = queues[name];
    expect(queue?.queueUrl).toBe(`${emulator.endpoint}/000000000000/${name}`);
    expect(queue?.deadLetterQueueUrl).toBe(`${emulator.endpoint}/000000000000/${name}-dlq`);
    expect(queue?.queueArn).toBe(`arn:aws:sqs:us-east-1:000000000000:${name}`);
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queue?.queueUrl, AttributeNames: ['RedrivePolicy'] }),
    );
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: queue?.deadLetterQueueArn,
      maxReceiveCount: 4,
    });
  });

  it('delivers a message sent while a long poll waits, and deletes it', async () => {
    // Prepare
    const name = queueName();
    const { queueUrl } = (await createQueues(emulator.endpoint, [name], { dlq: false }))[name] ?? {};
    const waiting = client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    await sleep(200); // let the receive reach the queue and park first

    // Act
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"id":"r1:1"}' }));
    const { Messages = [] } = await waiting;
    await client.send(
      new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: Messages[0]?.ReceiptHandle }),
    );

    // Assess
    expect(Messages.map((message) => message.Body)).toEqual(['{"id":"r1:1"}']);
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('accepts batches of ten', async () => {
    // Prepare
    const name = queueName();
    const { queueUrl } = (await createQueues(emulator.endpoint, [name], { dlq: false }))[name] ?? {};
    const bodies = Array.from({ length: 10 }, (_, index) => `message ${index}`);

    // Act
    const sent = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.map((body, index) => ({ Id: `m${index}`, MessageBody: body })),
      }),
    );

    // Assess
    expect(sent.Successful).toHaveLength(10);
    expect(sent.Failed ?? []).toEqual([]);
    expect((await receiveAll(queueUrl ?? '', 10)).sort()).toEqual([...bodies].sort());
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives', async () => {
    // Prepare
    const name = queueName();
    const queue = (await createQueues(emulator.endpoint, [name], { maxReceiveCount: 2 }))[name];
    await client.send(new SendMessageCommand({ QueueUrl: queue?.queueUrl, MessageBody: 'poison' }));

    // Act: receive without deleting, visible again at once, until it is gone from the main queue
    const receiveCounts: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queue?.queueUrl,
          VisibilityTimeout: 0,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      receiveCounts.push(...Messages.map((message) => message.Attributes?.ApproximateReceiveCount ?? '?'));
    }
    const deadLetters = await receiveAll(queue?.deadLetterQueueUrl ?? '', 1);

    // Assess
    expect(receiveCounts).toEqual(['1', '2']);
    expect(deadLetters).toEqual(['poison']);
  });
});

describe("SQS requests in-process (the emulator's requestHandler)", () => {
  it('send, long-poll and delete as over HTTP, with bodies in any script', async () => {
    // Arrange
    const inProcess = localSqsClient(emulator.endpoint, { requestHandler: emulator.requestHandler() });
    const { queueUrl } =
      (await createQueues(emulator.endpoint, ['in-process'], { dlq: false }))['in-process'] ?? {};
    const bodies = ['文三路 1 号', 'plain', '{"personKey":"pk-1"}'];

    // Act
    const waiting = inProcess.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 5, MaxNumberOfMessages: 10 }),
    );
    await sleep(100);
    const sent = await inProcess.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.map((body, index) => ({ Id: `m${index}`, MessageBody: body })),
      }),
    );
    const { Messages = [] } = await waiting;
    const rest = await receiveAll(queueUrl ?? '', bodies.length - Messages.length);
    for (const message of Messages) {
      await inProcess.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    }

    // Assess
    expect(sent.Successful).toHaveLength(3);
    expect([...Messages.map((message) => message.Body), ...rest].sort()).toEqual([...bodies].sort());
    inProcess.destroy();
  });

  it("answers a missing queue with the SDK's typed error", async () => {
    // Arrange
    const inProcess = localSqsClient(emulator.endpoint, { requestHandler: emulator.requestHandler() });

    // Act
    const lookUp = inProcess.send(new GetQueueUrlCommand({ QueueName: `missing-${process.pid}` }));

    // Assess
    await expect(lookUp).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
    inProcess.destroy();
  });
});

describe('SQS emulator with a data directory', () => {
  it('keeps queues and messages across a restart, with URLs on the new port', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'rdh-sqs-'));
    try {
      // Prepare: a first run creates a queue and leaves a message in it
      const first = await startSqs({ dataDir });
      const name = 'persistent-department';
      const { queueUrl } = (await createQueues(first.endpoint, [name]))[name] ?? {};
      const firstClient = localSqsClient(first.endpoint);
      await firstClient.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'survives 文三路' }));
      firstClient.destroy();
      await first.close();

      // Act: a second run on the same directory
      const second = await startSqs({ dataDir });
      const secondClient = localSqsClient(second.endpoint);
      try {
        const { QueueUrl } = await secondClient.send(new GetQueueUrlCommand({ QueueName: name }));
        const { Messages = [] } = await secondClient.send(
          new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }),
        );

        // Assess
        expect(QueueUrl).toBe(`${second.endpoint}/000000000000/${name}`);
        expect(Messages.map((message) => message.Body)).toEqual(['survives 文三路']);
      } finally {
        secondClient.destroy();
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
