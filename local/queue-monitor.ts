import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  type QueueMonitor,
  queueDepth,
  queueNameOf,
  type SubscriberReading,
  type WatchedQueue,
} from '#functions/adapters/queue-monitor.ts';
import type { DeliveryMeter } from './delivery-meter.ts';

interface InspectedMessage {
  sentTimestamp: number;
}
interface Inspection {
  messages: {
    ready: InspectedMessage[];
    delayed: InspectedMessage[];
    inflight: { message: InspectedMessage }[];
  };
}

/**
 * The subscriber monitor of the local hub: depths from the SQS emulator as on AWS; the oldest message's age
 * from fauxqs's non-destructive inspection (`GET /_fauxqs/queues/<name>`), where AWS has CloudWatch's
 * ApproximateAgeOfOldestMessage; deliveries from the local bus's own meter.
 */
export class LocalQueueMonitor implements QueueMonitor {
  readonly #sqs: SQSClient;
  readonly #sqsEndpoint: string;
  readonly #meter: DeliveryMeter;

  constructor(sqs: SQSClient, sqsEndpoint: string, meter: DeliveryMeter) {
    this.#sqs = sqs;
    this.#sqsEndpoint = sqsEndpoint;
    this.#meter = meter;
  }

  async read(queues: readonly WatchedQueue[], now: Date): Promise<Map<string, SubscriberReading>> {
    const readings = await Promise.all(
      queues.map(async (queue) => {
        const [depth, deadLetters, oldest] = await Promise.all([
          queueDepth(this.#sqs, queue.queueUrl),
          queueDepth(this.#sqs, queue.deadLetterQueueUrl),
          this.#oldestSent(queue.queueUrl),
        ]);
        const reading: SubscriberReading = {
          queue: {
            ...depth,
            oldestMessageAgeSeconds:
              oldest === undefined ? null : Math.max(0, Math.round((now.getTime() - oldest) / 1000)),
          },
          deadLetterQueue: { messages: deadLetters.messages },
          deliveredLastHour: this.#meter.lastHour(queue.queueUrl),
        };
        return [queue.name, reading] as const;
      }),
    );
    return new Map(readings);
  }

  /** When the oldest message still in the queue (waiting, delayed or in flight) was sent; none: undefined. */
  async #oldestSent(queueUrl: string): Promise<number | undefined> {
    const response = await fetch(
      `${this.#sqsEndpoint}/_fauxqs/queues/${encodeURIComponent(queueNameOf(queueUrl))}`,
    );
    if (!response.ok)
      throw new Error(`fauxqs inspection of ${queueNameOf(queueUrl)}: HTTP ${response.status}`);
    const { messages } = (await response.json()) as Inspection;
    const all = [...messages.ready, ...messages.delayed, ...messages.inflight.map((entry) => entry.message)];
    return all.reduce<number | undefined>(
      (oldest, { sentTimestamp }) =>
        oldest === undefined || sentTimestamp < oldest ? sentTimestamp : oldest,
      undefined,
    );
  }
}
