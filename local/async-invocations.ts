import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { createQueueBatcher, MAX_BATCH_ENTRIES } from './queue-batcher.ts';

// Lambda's asynchronous invocation, locally. Lambda keeps an invocation in an internal queue from the moment
// it accepts it, so a crash of a function loses none. Here the queue is an SQS queue of the local hub (kept
// on disk with --data-dir): the bus target queues the event and moves on (sends coalesce into batches); a
// dispatcher takes events from the queue, up to 10 a call, runs up to `concurrency` of them at once, and
// deletes each once it ran — or, after its retries, once it was handed to onFailure, as Lambda hands it to a
// failure destination. An event whose run died with the process comes back after the visibility timeout.

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

/** How long the dispatcher waits for an event before asking again (long polling: a new one wakes it at once). */
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

  const settled = async ({ Body = '', ReceiptHandle }: Message) => {
    try {
      await attempt(Body);
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle }));
    } catch {
      // The queue failed for a moment: the event comes back after its visibility timeout and runs again.
    }
  };

  const dispatch = async () => {
    const running = new Set<Promise<void>>();
    while (!stopping.signal.aborted) {
      if (running.size >= options.concurrency) {
        await Promise.race(running);
        continue;
      }
      try {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(MAX_BATCH_ENTRIES, options.concurrency - running.size),
            WaitTimeSeconds: WAIT_SECONDS,
          }),
          { abortSignal: stopping.signal },
        );
        for (const message of Messages) {
          const task = settled(message).finally(() => running.delete(task));
          running.add(task);
        }
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
    async invoke(payload) {
      await sends.send(queueUrl, { MessageBody: payload });
    },
    start() {
      const dispatching = dispatch();
      return async () => {
        stopping.abort();
        await dispatching;
      };
    },
    async drain() {
      while (!stopping.signal.aborted && (await queued()) > 0) await sleep(DRAIN_POLL_MS);
    },
  };
}
