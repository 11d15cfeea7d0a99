import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DepartmentMessage, ParsedMessage } from './messages.ts';
import { type ConsumerStateStore, InMemoryStateStore } from './state-store.ts';

/*
 * A department's queue consumer: long polling, every message validated, partial batch failure (only the
 * messages handled are deleted; a failed one becomes visible again after the visibility timeout and, after the
 * queue's maxReceiveCount, moves to the dead-letter queue), de-duplication by event id and stale-version
 * skipping per record. A message type the contract does not list (a newer hub's) is ignored and deleted: the
 * hub's store keeps the record, so a department that starts to want that type is backfilled from it.
 */

export interface QueueConsumerOptions {
  sqs: SQSClient;
  queueUrl: string;
  /** Parses and validates a message body; throws when it is not a message of the contract. */
  parse: (body: string) => ParsedMessage;
  /** The department's work. Throwing leaves the message on the queue to be retried. */
  process: (message: DepartmentMessage) => Promise<void>;
  /** @default a new InMemoryStateStore */
  state?: ConsumerStateStore;
  /** Long-polling wait per receive, 0–20 s. @default 20 */
  waitTimeSeconds?: number;
  /** Messages per receive, 1–10. @default 10 */
  maxMessages?: number;
  /** Overrides the queue's visibility timeout for the messages received. @default the queue's */
  visibilityTimeoutSeconds?: number;
}

interface Handled {
  messageId: string;
  id: string;
  type: string;
  recordId: string;
  version: number;
}

/** What became of one received message. Deliberately without the record: it carries personal data. */
export type MessageOutcome =
  | ({ status: 'processed' } & Handled)
  | ({ status: 'duplicate' } & Handled)
  | ({ status: 'stale'; latestVersion: number } & Handled)
  | { status: 'invalid'; messageId: string; error: unknown }
  /** A type the contract does not list: acknowledged and skipped, its payload never read. */
  | { status: 'ignored'; messageId: string; id: string; type: string }
  | ({ status: 'failed'; error: unknown } & Handled);

export interface PollReport {
  outcomes: MessageOutcome[];
  /** Messages deleted from the queue: the processed, duplicate, stale and ignored ones. */
  deleted: number;
  /** Handled messages whose delete failed: they come back, and are then skipped as duplicates. */
  deleteFailures: number;
}

export interface QueueConsumer {
  /** One receive (long polling) and the handling of what it returned. */
  pollOnce(): Promise<PollReport>;
  /** Polls until the signal aborts (or `maxPolls` receives were made); reports each poll. */
  run(options?: {
    signal?: AbortSignal;
    maxPolls?: number;
    onPoll?: (report: PollReport) => void;
  }): Promise<void>;
}

export function createQueueConsumer(options: QueueConsumerOptions): QueueConsumer {
  const state = options.state ?? new InMemoryStateStore();

  async function handle(message: Message): Promise<MessageOutcome> {
    const messageId = message.MessageId ?? '';
    let result: ParsedMessage;
    try {
      result = options.parse(message.Body ?? '');
    } catch (error) {
      return { status: 'invalid', messageId, error };
    }
    if (!result.known) return { status: 'ignored', messageId, id: result.id, type: result.type };
    const parsed = result.message;
    const handled: Handled = {
      messageId,
      id: parsed.id,
      type: parsed.type,
      recordId: parsed.recordId,
      version: parsed.version,
    };
    if (await state.hasProcessed(parsed.id)) return { status: 'duplicate', ...handled };
    const latestVersion = await state.latestVersion(parsed.recordId);
    if (latestVersion !== undefined && parsed.version <= latestVersion) {
      return { status: 'stale', latestVersion, ...handled };
    }
    try {
      await options.process(parsed);
    } catch (error) {
      return { status: 'failed', error, ...handled };
    }
    await state.markProcessed(handled);
    return { status: 'processed', ...handled };
  }

  async function pollOnce(signal?: AbortSignal): Promise<PollReport> {
    const { Messages = [] } = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        WaitTimeSeconds: options.waitTimeSeconds ?? 20,
        MaxNumberOfMessages: options.maxMessages ?? 10,
        ...(options.visibilityTimeoutSeconds === undefined
          ? {}
          : { VisibilityTimeout: options.visibilityTimeoutSeconds }),
      }),
      { abortSignal: signal },
    );
    // One at a time, in the order received: two versions of a record in one batch are then ordered too.
    const outcomes: MessageOutcome[] = [];
    for (const message of Messages) outcomes.push(await handle(message));

    const done = Messages.filter((_, i) => {
      const status = outcomes[i]?.status;
      return status === 'processed' || status === 'duplicate' || status === 'stale' || status === 'ignored';
    });
    if (done.length === 0) return { outcomes, deleted: 0, deleteFailures: 0 };
    const { Failed = [] } = await options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    );
    return { outcomes, deleted: done.length - Failed.length, deleteFailures: Failed.length };
  }

  return {
    pollOnce: () => pollOnce(),
    async run({ signal, maxPolls = Number.POSITIVE_INFINITY, onPoll } = {}) {
      for (let polls = 0; polls < maxPolls && !signal?.aborted; polls += 1) {
        let report: PollReport;
        try {
          report = await pollOnce(signal);
        } catch (error) {
          if (signal?.aborted) return;
          throw error;
        }
        // Not `onPoll?.(await pollOnce())`: an optional call skips evaluating its arguments.
        onPoll?.(report);
      }
    },
  };
}
