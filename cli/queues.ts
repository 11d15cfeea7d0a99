import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import type { Target } from './target.ts';

export interface QueueStats {
  /** Messages waiting (visible). */
  waiting: number;
  /** Messages received and not yet deleted (in flight). */
  inFlight: number;
  /** Age of the oldest message in seconds; undefined when empty or unknown. */
  oldestAgeSeconds: number | undefined;
}

const queueName = (queueUrl: string): string => queueUrl.slice(queueUrl.lastIndexOf('/') + 1);

/**
 * Depth from the queue's attributes (the same call on both runtimes); the oldest message's age from
 * CloudWatch's ApproximateAgeOfOldestMessage on AWS (SQS has no attribute for it), from the emulator's own
 * non-destructive inspection locally (fauxqs `GET /_fauxqs/queues/<name>`): receiving to look would count as
 * a receive and push messages towards the dead-letter queue.
 */
export async function queueStats(target: Target, queueUrl: string): Promise<QueueStats> {
  const { Attributes = {} } = await target.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  const waiting = Number(Attributes.ApproximateNumberOfMessages ?? 0);
  const inFlight = Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  if (waiting + inFlight === 0) return { waiting, inFlight, oldestAgeSeconds: undefined };
  return { waiting, inFlight, oldestAgeSeconds: await oldestAge(target, queueUrl) };
}

async function oldestAge(target: Target, queueUrl: string): Promise<number | undefined> {
  if (target.kind === 'local') {
    const response = await fetch(`${target.sqsEndpoint}/_fauxqs/queues/${queueName(queueUrl)}`);
    if (!response.ok) return undefined;
    const { messages } = (await response.json()) as {
      messages: { ready: { sentTimestamp: number }[]; inflight: { message: { sentTimestamp: number } }[] };
    };
    const sent = [...messages.ready, ...messages.inflight.map((entry) => entry.message)].map(
      (m) => m.sentTimestamp,
    );
    return sent.length === 0 ? undefined : Math.round((Date.now() - Math.min(...sent)) / 1000);
  }
  const cloudWatch = new CloudWatchClient(target.clientConfig('sqs'));
  try {
    const now = Date.now();
    const { Datapoints = [] } = await cloudWatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: queueName(queueUrl) }],
        StartTime: new Date(now - 15 * 60_000),
        EndTime: new Date(now),
        Period: 300,
        Statistics: ['Maximum'],
      }),
    );
    const latest = Datapoints.sort(
      (a, b) => (b.Timestamp?.getTime() ?? 0) - (a.Timestamp?.getTime() ?? 0),
    )[0];
    return latest?.Maximum;
  } finally {
    cloudWatch.destroy();
  }
}

export interface ReceiveOptions {
  /** Long-poll this many seconds (0–20). */
  waitSeconds: number;
  /** How long the received messages stay hidden from others while we look at them. */
  visibilitySeconds: number;
}

/** Receives up to 10 messages with their system and message attributes. */
export async function receive(target: Target, queueUrl: string, options: ReceiveOptions): Promise<Message[]> {
  const { Messages = [] } = await target.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: options.waitSeconds,
      VisibilityTimeout: options.visibilitySeconds,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  return Messages;
}

/** Makes received messages visible again at once: looking at a queue leaves it as it was. */
export async function release(target: Target, queueUrl: string, messages: readonly Message[]): Promise<void> {
  if (messages.length === 0) return;
  await target.sqs.send(
    new ChangeMessageVisibilityBatchCommand({
      QueueUrl: queueUrl,
      Entries: messages.map((message, index) => ({
        Id: String(index),
        ReceiptHandle: message.ReceiptHandle ?? '',
        VisibilityTimeout: 0,
      })),
    }),
  );
}

/** Deletes received messages; returns how many SQS confirmed. */
export async function remove(
  target: Target,
  queueUrl: string,
  messages: readonly Message[],
): Promise<number> {
  if (messages.length === 0) return 0;
  const { Successful = [] } = await target.sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: messages.map((message, index) => ({
        Id: String(index),
        ReceiptHandle: message.ReceiptHandle ?? '',
      })),
    }),
  );
  return Successful.length;
}
