import {
  type BatchResultErrorEntry,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { SQS_BATCH_MAX_ENTRIES } from '#functions/adapters/service-limits.ts';

// The local bus's SQS targets send one message per event, as EventBridge does. Sent one call each, the calls
// cost more than the messages; this coalesces the sends that are waiting for one queue into SendMessageBatch
// calls (up to 10 entries) and answers every sender for its own entry: its MessageId, or a rejection with
// SQS's own code when that entry (or the whole call) failed, so a failed message still reaches the bus's
// dead-letter path. A batch leaves as soon as it is full, or on the next turn of the event loop (after
// `lingerMs` if set); while `maxInFlightPerQueue` batches are out, further messages wait and coalesce. A FIFO
// queue gets one batch at a time, so its order holds.

/** A message as SendMessage takes it, less the queue. */
export type QueueMessage = Omit<SendMessageBatchRequestEntry, 'Id'>;

export interface QueueBatcherOptions {
  client: SQSClient;
  /** Most entries per SendMessageBatch (SQS allows 10). @default 10 */
  maxBatchSize?: number;
  /** Most bytes of bodies and attributes per batch. @default 262144 (256 KiB) */
  maxBatchBytes?: number;
  /** How long a partial batch waits for more messages; 0 waits for the current turn only. @default 0 */
  lingerMs?: number;
  /** Batches in flight per queue; further messages wait and coalesce. @default 4 */
  maxInFlightPerQueue?: number;
}

export interface QueueBatcher {
  /** Resolves with the message's id once SQS has accepted it; rejects when SQS refused it. */
  send(queueUrl: string, message: QueueMessage): Promise<string>;
}

/** SQS refused one entry of a batch; `code` is SQS's own (InvalidParameterValue, …). */
export class QueueSendError extends Error {
  override readonly name = 'QueueSendError';
  readonly code: string;
  readonly senderFault: boolean;
  constructor(code: string, message: string, senderFault: boolean) {
    super(`${code}: ${message}`);
    this.code = code;
    this.senderFault = senderFault;
  }
}

interface Pending {
  message: QueueMessage;
  bytes: number;
  resolve: (messageId: string) => void;
  reject: (error: unknown) => void;
}

interface QueueState {
  waiting: Pending[];
  inFlight: number;
  limit: number;
  timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
}

export function createQueueBatcher(options: QueueBatcherOptions): QueueBatcher {
  const { client } = options;
  const maxBatchSize = Math.min(options.maxBatchSize ?? SQS_BATCH_MAX_ENTRIES, SQS_BATCH_MAX_ENTRIES);
  const maxBatchBytes = options.maxBatchBytes ?? 256 * 1024;
  const lingerMs = options.lingerMs ?? 0;
  const maxInFlight = Math.max(1, options.maxInFlightPerQueue ?? 4);
  const queues = new Map<string, QueueState>();

  function stateOf(queueUrl: string): QueueState {
    let state = queues.get(queueUrl);
    if (!state) {
      // One batch at a time keeps a FIFO queue's order; a standard queue promises none.
      const limit = queueUrl.endsWith('.fifo') ? 1 : maxInFlight;
      state = { waiting: [], inFlight: 0, limit, timer: undefined };
      queues.set(queueUrl, state);
    }
    return state;
  }

  /** Sends full batches now, and a partial one when `partialToo`, as far as the in-flight limit allows. */
  function dispatch(queueUrl: string, state: QueueState, partialToo: boolean): void {
    while (state.waiting.length > 0 && state.inFlight < state.limit) {
      const batch = takeBatch(state.waiting);
      const full = batch.length === maxBatchSize || state.waiting.length > 0;
      if (!full && !partialToo) {
        state.waiting.unshift(...batch);
        break;
      }
      state.inFlight += 1;
      void sendBatch(queueUrl, batch).finally(() => {
        state.inFlight -= 1;
        // What piled up meanwhile leaves now: it has waited long enough.
        if (state.waiting.length > 0) dispatch(queueUrl, state, true);
      });
    }
    if (state.waiting.length > 0 && !state.timer && state.inFlight < state.limit) schedule(queueUrl, state);
  }

  function schedule(queueUrl: string, state: QueueState): void {
    const fire = () => {
      state.timer = undefined;
      dispatch(queueUrl, state, true);
    };
    state.timer = lingerMs > 0 ? setTimeout(fire, lingerMs) : setImmediate(fire);
  }

  /** The oldest waiting messages that fit one call: count and bytes (a message too big alone goes alone). */
  function takeBatch(waiting: Pending[]): Pending[] {
    let count = 0;
    let bytes = 0;
    while (count < waiting.length && count < maxBatchSize) {
      const next = waiting[count] as Pending;
      if (count > 0 && bytes + next.bytes > maxBatchBytes) break;
      bytes += next.bytes;
      count += 1;
    }
    return waiting.splice(0, count);
  }

  async function sendBatch(queueUrl: string, batch: Pending[]): Promise<void> {
    try {
      const out = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((pending, index) => ({ ...pending.message, Id: `m${index}` })),
        }),
      );
      const sent = new Map((out.Successful ?? []).map((entry) => [entry.Id, entry.MessageId ?? '']));
      const failed = new Map((out.Failed ?? []).map((entry) => [entry.Id, entry]));
      batch.forEach((pending, index) => {
        const id = `m${index}`;
        const messageId = sent.get(id);
        if (messageId !== undefined) pending.resolve(messageId);
        else pending.reject(refusal(failed.get(id)));
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }

  return {
    send(queueUrl, message) {
      return new Promise<string>((resolve, reject) => {
        const state = stateOf(queueUrl);
        state.waiting.push({ message, bytes: messageBytes(message), resolve, reject });
        dispatch(queueUrl, state, false);
      });
    },
  };
}

function refusal(entry: BatchResultErrorEntry | undefined): QueueSendError {
  if (!entry) return new QueueSendError('MissingResult', 'SQS answered nothing for this entry', false);
  return new QueueSendError(entry.Code ?? 'Unknown', entry.Message ?? '', entry.SenderFault ?? false);
}

/** Bytes SQS counts against its limits: the body, and each attribute's name, type and value. */
function messageBytes(message: QueueMessage): number {
  let bytes = Buffer.byteLength(message.MessageBody ?? '');
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '');
    if (value.StringValue !== undefined) bytes += Buffer.byteLength(value.StringValue);
    if (value.BinaryValue !== undefined) bytes += value.BinaryValue.byteLength;
  }
  return bytes;
}
