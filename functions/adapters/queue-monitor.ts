import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Department } from '#events/subscriptions.ts';

/*
 * What a subscriber's queues hold, for GET /v1/subscribers. Depths come from SQS itself (GetQueueAttributes);
 * the oldest message's age and the deliveries per hour are CloudWatch metrics of the queue (AWS/SQS
 * ApproximateAgeOfOldestMessage, NumberOfMessagesSent), read for all queues in one GetMetricData call.
 */

/**
 * A subscriber whose oldest message is older than this has stopped consuming or falls behind: the default of
 * its alarm on AWS and of its `backlog` state (an hour: consumers long-poll, so a healthy queue drains in
 * seconds, and an office may pause over lunch).
 */
export const DEFAULT_OLDEST_MESSAGE_ALARM_SECONDS = 3600;

/** A subscriber's inbox, as the stack (or the local hub) created it. */
export interface WatchedQueue {
  /** The subscriber's name (today a department's, its queue's name). */
  name: string;
  department: Department;
  queueUrl: string;
  deadLetterQueueUrl: string;
  /** The oldest message's age beyond which the subscriber is in backlog (the stack's alarm threshold). */
  oldestMessageAlarmSeconds: number;
}

export interface QueueDepth {
  messages: number;
  inFlight: number;
}

export interface SubscriberReading {
  queue: QueueDepth & { oldestMessageAgeSeconds: number | null };
  deadLetterQueue: { messages: number };
  deliveredLastHour: number | null;
}

/** Reads every watched queue at `now`, by subscriber name. */
export interface QueueMonitor {
  read(queues: readonly WatchedQueue[], now: Date): Promise<Map<string, SubscriberReading>>;
}

/** A queue's depth from SQS. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<QueueDepth> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    messages: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/** The queue's name: the last segment of its URL (CloudWatch's QueueName dimension). */
export const queueNameOf = (queueUrl: string): string => queueUrl.slice(queueUrl.lastIndexOf('/') + 1);

const HOUR_MS = 3_600_000;

/** The deployed monitor: SQS for depths, CloudWatch for ages and deliveries. */
export class AwsQueueMonitor implements QueueMonitor {
  readonly #sqs: SQSClient;
  readonly #cloudWatch: CloudWatchClient;

  constructor(sqs: SQSClient, cloudWatch: CloudWatchClient) {
    this.#sqs = sqs;
    this.#cloudWatch = cloudWatch;
  }

  async read(queues: readonly WatchedQueue[], now: Date): Promise<Map<string, SubscriberReading>> {
    const metric = (
      id: string,
      queueUrl: string,
      metricName: string,
      stat: string,
      period: number,
    ): MetricDataQuery => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/SQS',
          MetricName: metricName,
          Dimensions: [{ Name: 'QueueName', Value: queueNameOf(queueUrl) }],
        },
        Stat: stat,
        Period: period,
      },
    });
    const queries = queues.flatMap((queue, i) => [
      metric(`age${i}`, queue.queueUrl, 'ApproximateAgeOfOldestMessage', 'Maximum', 60),
      metric(`sent${i}`, queue.queueUrl, 'NumberOfMessagesSent', 'Sum', 3600),
    ]);
    const [metrics, depths] = await Promise.all([
      queries.length === 0
        ? undefined
        : this.#cloudWatch.send(
            new GetMetricDataCommand({
              MetricDataQueries: queries,
              StartTime: new Date(now.getTime() - HOUR_MS),
              EndTime: now,
              ScanBy: 'TimestampDescending',
            }),
          ),
      Promise.all(
        queues.map((queue) =>
          Promise.all([
            queueDepth(this.#sqs, queue.queueUrl),
            queueDepth(this.#sqs, queue.deadLetterQueueUrl),
          ]),
        ),
      ),
    ]);
    // The newest datapoint of each query; none yet (a new or idle queue) is "not known".
    const latest = new Map(
      (metrics?.MetricDataResults ?? []).map((result) => [result.Id ?? '', result.Values?.[0]]),
    );
    return new Map(
      queues.map((queue, i) => {
        const [depth, deadLetters] = depths[i] ?? [
          { messages: 0, inFlight: 0 },
          { messages: 0, inFlight: 0 },
        ];
        const age = latest.get(`age${i}`);
        const sent = latest.get(`sent${i}`);
        return [
          queue.name,
          {
            queue: { ...depth, oldestMessageAgeSeconds: age === undefined ? null : Math.round(age) },
            deadLetterQueue: { messages: deadLetters.messages },
            deliveredLastHour: sent === undefined ? null : Math.round(sent),
          },
        ];
      }),
    );
  }
}
