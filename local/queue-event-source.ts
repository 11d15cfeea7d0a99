import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { SQS_BATCH_MAX_ENTRIES } from '#functions/adapters/service-limits.ts';
import { createQueueBatcher } from './queue-batcher.ts';

// Lambda's event source mapping on an SQS queue, locally (the derive function's queue, the derive rule's
// target). The queue is one of the local hub's SQS queues (kept on disk with --data-dir), so a crash loses no
// queued event: a poller gathers up to `batchSize` messages (ReceiveMessage takes 10 a call), hands them to
// the handler as an SQS event, deletes those it did not report as failed (ReportBatchItemFailures), and lets
// the failed ones come back a second later; a message received
// `maxReceiveCount` times is handed to onFailure (the queue's dead-letter queue) and leaves the queue. A
// message whose batch died with the process comes back after the queue's visibility timeout.

export interface QueueEventSourceOptions {
  sqs: SQSClient;
  /** The queue; its visibility timeout should exceed a batch's run. */
  queueUrl: string;
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler may return nothing, like a Lambda handler
  handle: (event: SQSEvent) => Promise<SQSBatchResponse | void>;
  /** Receives a message whose deliveries all failed, with the last error. */
  onFailure: (body: string, error: unknown) => Promise<void>;
  /** Most messages per batch. @default 100 */
  batchSize?: number;
  /** Batches handled at once. @default 2 */
  concurrency?: number;
  /** Deliveries of a message before it is handed to onFailure. @default 3 */
  maxReceiveCount?: number;
}

export interface QueueEventSource {
  /** Queues a message (sends coalesce into batches); resolves once the queue holds it. */
  send(body: string): Promise<void>;
  /** Starts polling (once what the handler needs is up); returns the function that stops it. */
  start(): () => Promise<void>;
  /** Resolves once the queue is empty: every message queued so far, in this run or a kept one, is handled. */
  drain(): Promise<void>;
  /** Messages in the queue, waiting or being handled (SQS's approximate counts). */
  backlog(): Promise<number>;
}

/** How long the poller waits for a first message (long polling: a new one wakes it at once). */
const WAIT_SECONDS = 1;
const DRAIN_POLL_MS = 20;
/** How long a message reported as failed stays invisible before its next delivery. */
const RETRY_SECONDS = 1;

export function createQueueEventSource(options: QueueEventSourceOptions): QueueEventSource {
  const { sqs, queueUrl, handle, onFailure } = options;
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 2;
  const maxReceiveCount = options.maxReceiveCount ?? 3;
  const stopping = new AbortController();

  const receive = async (max: number, waitSeconds: number): Promise<Message[]> => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(SQS_BATCH_MAX_ENTRIES, max),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
      { abortSignal: stopping.signal },
    );
    return Messages;
  };

  /** Up to batchSize messages: a long poll for the first, then whatever is there without waiting. */
  const nextBatch = async (): Promise<Message[]> => {
    const batch = await receive(batchSize, WAIT_SECONDS);
    while (batch.length > 0 && batch.length < batchSize) {
      const more = await receive(batchSize - batch.length, 0);
      if (more.length === 0) break;
      batch.push(...more);
    }
    return batch;
  };

  const inChunks = async (messages: Message[], send: (chunk: Message[]) => Promise<unknown>) => {
    for (let start = 0; start < messages.length; start += SQS_BATCH_MAX_ENTRIES) {
      await send(messages.slice(start, start + SQS_BATCH_MAX_ENTRIES));
    }
  };
  const entries = (messages: Message[]) =>
    messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' }));

  const deliver = async (batch: Message[]) => {
    let failedIds: Set<string>;
    let error: unknown = new Error('reported as a batch item failure');
    try {
      const response = await handle({ Records: batch.map((message) => toRecord(message, queueUrl)) });
      failedIds = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (thrown) {
      failedIds = new Set(batch.map((message) => message.MessageId ?? ''));
      error = thrown;
    }
    const done: Message[] = [];
    const again: Message[] = [];
    for (const message of batch) {
      if (!failedIds.has(message.MessageId ?? '')) done.push(message);
      else if (receiveCount(message) >= maxReceiveCount) {
        await onFailure(message.Body ?? '', error);
        done.push(message);
      } else again.push(message);
    }
    await inChunks(done, (chunk) =>
      sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries(chunk) })),
    );
    await inChunks(again, (chunk) =>
      sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          // Visible again in a second (counted as in flight meanwhile): a reported failure need not wait
          // out the queue's whole timeout.
          Entries: entries(chunk).map((entry) => ({ ...entry, VisibilityTimeout: RETRY_SECONDS })),
        }),
      ),
    );
  };

  const poll = async () => {
    const running = new Set<Promise<void>>();
    while (!stopping.signal.aborted) {
      if (running.size >= concurrency) {
        await Promise.race(running);
        continue;
      }
      try {
        const batch = await nextBatch();
        if (batch.length === 0) continue;
        const task = deliver(batch)
          .catch(() => undefined) // the queue failed for a moment: the batch comes back after its timeout
          .finally(() => running.delete(task));
        running.add(task);
      } catch {
        if (!stopping.signal.aborted) await sleep(100); // the queue failed for a moment
      }
    }
    await Promise.all(running);
  };

  const queued = async () => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible)
    );
  };

  const sends = createQueueBatcher({ client: sqs });
  return {
    async send(body) {
      await sends.send(queueUrl, { MessageBody: body });
    },
    start() {
      const polling = poll();
      return async () => {
        stopping.abort();
        await polling;
      };
    },
    async drain() {
      while (!stopping.signal.aborted && (await queued()) > 0) await sleep(DRAIN_POLL_MS);
    },
    backlog: queued,
  };
}

const receiveCount = (message: Message): number => Number(message.Attributes?.ApproximateReceiveCount ?? '1');

function toRecord(message: Message, queueUrl: string): SQSRecord {
  const sentAt = message.Attributes?.SentTimestamp ?? String(Date.now());
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: String(receiveCount(message)),
      SentTimestamp: sentAt,
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: sentAt,
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueUrl,
    awsRegion: 'local',
  };
}
