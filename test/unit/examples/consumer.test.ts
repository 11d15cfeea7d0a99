import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createQueueConsumer } from '../../../examples/consumer/consumer.ts';
import { type DepartmentMessage, messageEnvelope } from '../../../examples/consumer/messages.ts';
import { InMemoryStateStore } from '../../../examples/consumer/state-store.ts';

/** An SQS client that hands out one batch and records what the consumer asks for. */
function fakeSqs(batch: Message[], failDeletes: string[] = []) {
  const receives: ReceiveMessageCommand['input'][] = [];
  const deletes: string[] = [];
  let delivered = false;
  const sqs = {
    send: async (command: unknown) => {
      if (command instanceof ReceiveMessageCommand) {
        receives.push(command.input);
        const messages = delivered ? [] : batch;
        delivered = true;
        return { Messages: messages };
      }
      if (command instanceof DeleteMessageBatchCommand) {
        const entries = command.input.Entries ?? [];
        deletes.push(...entries.map((e) => e.ReceiptHandle ?? ''));
        const Failed = entries
          .filter((e) => failDeletes.includes(e.ReceiptHandle ?? ''))
          .map((e) => ({ Id: e.Id, Code: 'ReceiptHandleIsInvalid', SenderFault: true }));
        return { Failed };
      }
      throw new Error('unexpected command');
    },
  } as unknown as SQSClient;
  return { sqs, receives, deletes };
}

const message = (recordId: string, version: number): Message => ({
  MessageId: `m-${recordId}-${version}`,
  ReceiptHandle: `r-${recordId}-${version}`,
  Body: JSON.stringify({
    id: `${recordId}:${version}`,
    type: 'Tenancy.Updated',
    recordId,
    version,
    record: {},
  }),
});

const parse = (body: string): DepartmentMessage => messageEnvelope.parse(JSON.parse(body));

describe('the consumer example (examples/consumer/consumer.ts)', () => {
  it('deletes only what it handled: processed, duplicate and stale, not failed or invalid', async () => {
    // Prepare
    const state = new InMemoryStateStore();
    await state.markProcessed({ id: 'tenancy:a:3', recordId: 'tenancy:a', version: 3 });
    const { sqs, receives, deletes } = fakeSqs([
      message('tenancy:a', 3), // duplicate
      message('tenancy:a', 2), // stale
      message('tenancy:b', 1), // processed
      message('tenancy:c', 1), // fails
      { MessageId: 'm-bad', ReceiptHandle: 'r-bad', Body: '{"id":1}' }, // invalid
    ]);
    const consumer = createQueueConsumer({
      sqs,
      queueUrl: 'q',
      parse,
      state,
      process: async (m) => {
        if (m.recordId === 'tenancy:c') throw new Error('down');
      },
    });

    // Act
    const report = await consumer.pollOnce();

    // Assess
    expect(receives[0]).toMatchObject({ QueueUrl: 'q', WaitTimeSeconds: 20, MaxNumberOfMessages: 10 });
    expect(report.outcomes.map((o) => o.status)).toEqual([
      'duplicate',
      'stale',
      'processed',
      'failed',
      'invalid',
    ]);
    expect(deletes).toEqual(['r-tenancy:a-3', 'r-tenancy:a-2', 'r-tenancy:b-1']);
    expect(report).toMatchObject({ deleted: 3, deleteFailures: 0 });
    expect(await state.hasProcessed('tenancy:c:1')).toBe(false);
    expect(await state.latestVersion('tenancy:b')).toBe(1);
  });

  it('counts a failed delete; the redelivery is then skipped as a duplicate', async () => {
    const { sqs } = fakeSqs([message('tenancy:d', 1)], ['r-tenancy:d-1']);
    const consumer = createQueueConsumer({ sqs, queueUrl: 'q', parse, process: async () => {} });
    expect(await consumer.pollOnce()).toMatchObject({ deleted: 0, deleteFailures: 1 });
  });

  it('sends no delete when nothing was handled, and stops when asked', async () => {
    const { sqs, receives, deletes } = fakeSqs([]);
    const consumer = createQueueConsumer({
      sqs,
      queueUrl: 'q',
      parse,
      process: async () => {},
      waitTimeSeconds: 5,
    });
    await consumer.run({ maxPolls: 3 });
    expect(receives).toHaveLength(3);
    expect(receives[0]?.WaitTimeSeconds).toBe(5);
    expect(deletes).toEqual([]);
  });
});
