import type { DeriveInvocation, EvaluationSummary } from '#functions/derive/handler.ts';
import type { DeriveReply, DeriveRequest, DeriveThreadData } from './derive-thread.ts';
import { startEmulatorThread } from './emulators/emulator-thread.ts';
import type { OperationCounts } from './request-meter.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The derive handler in its own thread (derive-thread.ts), called as if it were in this one. */
export interface DeriveWorker {
  /** What the Lambda function would be invoked with: a queue batch, a scheduled or a change event. */
  invoke(event: unknown): Promise<DeriveInvocation>;
  /** The daily evaluation as of a day. */
  evaluateDue(options: { asOf: string }): Promise<EvaluationSummary>;
  /** What the thread has asked of DynamoDB so far. */
  dynamoDbRequests(): Promise<OperationCounts>;
  close(): Promise<void>;
}

/** A failure of the handler in the derive thread, by its name and message. */
export class DeriveThreadError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export async function startDeriveWorker(data: DeriveThreadData): Promise<DeriveWorker> {
  const waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const thread = await startEmulatorThread<object>(
    'derive',
    new URL('./derive-thread.ts', import.meta.url),
    data,
    (message) => {
      const reply = message as DeriveReply;
      if (reply.type !== 'reply') return;
      const caller = waiting.get(reply.id);
      waiting.delete(reply.id);
      if ('error' in reply) caller?.reject(new DeriveThreadError(reply.error.name, reply.error.message));
      else caller?.resolve(reply.result);
    },
    [data.dynamodbPort],
  );
  const request = <T>(message: DistributiveOmit<DeriveRequest, 'id'>): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve: resolve as (result: unknown) => void, reject });
      thread.post({ ...message, id });
    });
  return {
    invoke: (event) => request({ type: 'invoke', event }),
    evaluateDue: ({ asOf }) => request({ type: 'evaluate', asOf }),
    dynamoDbRequests: () => request({ type: 'counts' }),
    close: () => thread.close(),
  };
}
