import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

// Lambda's asynchronous invocation, locally. Lambda keeps an invocation in an internal queue from the moment
// it accepts it, so a crash of a function loses none. Here the queue is an SQS queue of the local hub (kept
// on disk with --data-dir): the bus target queues the event and moves on, a few workers take events from the
// queue, run the function and delete each event once it ran — or, after its retries, once it was handed to
// onFailure, as Lambda hands it to a failure destination. An event whose worker died with the process comes
// back after the queue's visibility timeout.

export interface AsyncInvokerOptions {
  sqs: SQSClient;
  /** The invocation queue; its visibility timeout should exceed a run with its retries. */
  queueUrl: string;
  /** Runs at once (Lambda's concurrency for the function). */
  concurrency: number;
  run: (payload: string) => Promise<void>;
  /** Receives an event whose attempts all failed. */
  onFailure: (payload: string, error: unknown) => Promise<void>;
  /** Attempts per event: Lambda's first try and its two retries. @default 3 */
  maxAttempts?: number;
}

export interface AsyncInvoker {
  /** Queues an event; resolves once the queue holds it. */
  invoke(payload: string): Promise<void>;
  /** Starts the workers (once what `run` needs is up); returns the function that stops them. */
  start(): () => Promise<void>;
  /** Resolves once the queue is empty: every event queued so far, in this run or a kept one, has run. */
  drain(): Promise<void>;
}

/** How long a worker waits for an event before asking again (long polling; a new event wakes it at once). */
const WAIT_SECONDS = 1;
const DRAIN_POLL_MS = 20;

export function createAsyncInvoker(options: AsyncInvokerOptions): AsyncInvoker {
  const { sqs, queueUrl, run, onFailure, maxAttempts = 3 } = options;
  const stopping = new AbortController();

  const attempt = async (payload: string) => {
    for (let tries = 1; ; tries += 1) {
      try {
        return await run(payload);
      } catch (error) {
        if (tries >= maxAttempts) return onFailure(payload, error);
        await sleep(50 * tries);
      }
    }
  };

  const worker = async () => {
    while (!stopping.signal.aborted) {
      try {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 1,
            WaitTimeSeconds: WAIT_SECONDS,
          }),
          { abortSignal: stopping.signal },
        );
        for (const { Body = '', ReceiptHandle } of Messages) {
          await attempt(Body);
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle }));
        }
      } catch {
        // Stopping, or the queue failed for a moment: the event, if any, comes back after its visibility timeout.
        if (!stopping.signal.aborted) await sleep(100);
      }
    }
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

  return {
    async invoke(payload) {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: payload }));
    },
    start() {
      const workers = Array.from({ length: options.concurrency }, worker);
      return async () => {
        stopping.abort();
        await Promise.all(workers);
      };
    },
    async drain() {
      while (!stopping.signal.aborted && (await queued()) > 0) await sleep(DRAIN_POLL_MS);
    },
  };
}
