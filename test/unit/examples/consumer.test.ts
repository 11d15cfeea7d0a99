import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { SUBSCRIPTIONS } from '../../../events/index.ts';
import { createQueueConsumer } from '../../../examples/consumer/consumer.ts';
import {
  createMessageParser,
  messageEnvelope,
  messageSchemasOf,
  type ParsedMessage,
} from '../../../examples/consumer/messages.ts';
import { InMemoryStateStore } from '../../../examples/consumer/state-store.ts';
import { buildAsyncApiDocument, departmentMessages } from '../../../scripts/docs/asyncapi.ts';

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

const parse = (body: string): ParsedMessage => ({
  known: true,
  message: messageEnvelope.parse(JSON.parse(body)),
});

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

  it('ignores a message type its contract does not list: deleted, reported by type, its payload unread', async () => {
    // Prepare: a newer hub publishes a detail-type this consumer's contract does not know
    const [health] = SUBSCRIPTIONS.filter((s) => s.name === 'health');
    if (health === undefined) throw new Error('no health subscription');
    const contract = buildAsyncApiDocument(health);
    const unknown: Message = {
      MessageId: 'm-new',
      ReceiptHandle: 'r-new',
      Body: JSON.stringify({
        id: 'vehicle-registration:abc:1',
        type: 'VehicleRegistration.Created',
        recordId: 'vehicle-registration:abc',
        version: 1,
        record: { owner: { name: '张伟' } },
      }),
    };
    const { sqs, deletes } = fakeSqs([unknown]);
    const processed: string[] = [];
    const consumer = createQueueConsumer({
      sqs,
      queueUrl: 'q',
      parse: createMessageParser(messageSchemasOf(contract)),
      process: async (m) => {
        processed.push(m.id);
      },
    });

    // Act
    const report = await consumer.pollOnce();

    // Assess
    expect(report.outcomes).toEqual([
      {
        status: 'ignored',
        messageId: 'm-new',
        id: 'vehicle-registration:abc:1',
        type: 'VehicleRegistration.Created',
      },
    ]);
    expect(JSON.stringify(report)).not.toContain('张伟');
    expect(processed).toEqual([]);
    expect(deletes).toEqual(['r-new']);
  });
});

describe("the consumer example's contract (examples/consumer/messages.ts)", () => {
  const health = SUBSCRIPTIONS.find((s) => s.name === 'health');
  if (health === undefined) throw new Error('no health subscription');
  const [first] = departmentMessages(health);
  if (first === undefined) throw new Error('health receives nothing');
  const body = (message: object) => JSON.stringify(message);

  /** The document as an older generator wrote it: every object closed to fields it does not list. */
  const closed = (schema: unknown): unknown => {
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
    const copy = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, closed(v)]));
    return copy.type === 'object' ? { ...copy, additionalProperties: false } : copy;
  };

  it.each([
    ['as generated', buildAsyncApiDocument(health)],
    ['with every object closed', closed(buildAsyncApiDocument(health))],
  ])('accepts added fields, at the top and inside the record (document %s)', (_, document) => {
    // Prepare
    const parse = createMessageParser(messageSchemasOf(document));
    const added = {
      ...first.sample,
      addedLater: 1,
      record: { ...(first.sample.record as object), note: 'x' },
    };

    // Act / Assess
    expect(parse(body(first.sample))).toMatchObject({ known: true, message: { id: first.sample.id } });
    expect(parse(body(added))).toMatchObject({ known: true, message: { id: first.sample.id } });
  });

  it('accepts an enum value its contract does not list (a new one is a compatible change)', () => {
    const parse = createMessageParser(messageSchemasOf(buildAsyncApiDocument(health)));
    const gender = JSON.stringify(first.schema.shape.record?.toJSONSchema());
    expect(gender).toContain('"female"');
    const record = structuredClone(first.sample.record) as { person: { gender: string } };
    record.person.gender = 'intersex';
    expect(parse(body({ ...first.sample, record }))).toMatchObject({ known: true });
  });

  it('still refuses a listed type whose listed fields are wrong', () => {
    const parse = createMessageParser(messageSchemasOf(buildAsyncApiDocument(health)));
    expect(() => parse(body({ ...first.sample, version: 0 }))).toThrow(ZodError);
    expect(() => parse(body({ ...first.sample, record: { person: { name: 42 } } }))).toThrow(ZodError);
  });
});
