import { type Transferable, Worker } from 'node:worker_threads';

// An emulator in a worker thread of its own, so its request handling runs beside the hub's event loop
// instead of on it. The thread posts `listening` (with whatever the parent needs) or `failed` once; on
// `{ type: 'close' }` it closes its servers and posts `closed`, and the parent then ends it. Any other
// message is the emulator's own business and goes to `onMessage`.

export type ThreadStatus<L> =
  | ({ type: 'listening' } & L)
  | { type: 'failed'; message: string }
  | { type: 'closed'; error?: string };

export interface EmulatorThread<L> {
  /** What the thread said when it started listening. */
  listening: L;
  /** Posts a message to the thread, moving `transfer` (ports, say) to it. */
  post(message: unknown, transfer?: readonly Transferable[]): void;
  /** Asks the thread to close its servers, then ends it. */
  close(): Promise<void>;
}

const STATUS_TYPES = new Set(['listening', 'failed', 'closed']);
/**
 * A thread's young generation. V8 sizes it for throughput (several times this under a bulk load), and each
 * thread keeps what it grew: at 12 MB a 10,000-row import ran as fast with the hub's RSS 726 MB instead of 946.
 */
const YOUNG_GENERATION_MB = 12;

export async function startEmulatorThread<L>(
  name: string,
  file: URL,
  workerData: unknown,
  onMessage: (message: { type: string }, thread: Worker) => void = () => {},
  /** What `workerData` holds that moves to the thread (ports, say). */
  transferList: readonly Transferable[] = [],
): Promise<EmulatorThread<L>> {
  const worker = new Worker(file, {
    workerData,
    transferList: [...transferList],
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
  let exited = false;
  worker.once('exit', () => {
    exited = true;
  });
  // After start-up a dead thread shows as refused connections; say why once, without request data.
  worker.on('error', (error) => console.error(`[${name}] the emulator thread failed: ${error.name}`));
  worker.on('message', (message: { type: string }) => {
    if (!STATUS_TYPES.has(message.type)) onMessage(message, worker);
  });

  const started = await nextStatus<L>(worker).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });
  if (started.type !== 'listening') {
    await worker.terminate();
    throw new Error(`${name} did not start: ${started.type === 'failed' ? started.message : started.type}`);
  }
  const { type: _, ...listening } = started;

  let closing: Promise<void> | undefined;
  return {
    listening: listening as L,
    post: (message, transfer) => worker.postMessage(message, transfer),
    close() {
      closing ??= (async () => {
        if (exited) return;
        const closed = nextStatus<L>(worker);
        worker.postMessage({ type: 'close' });
        const answer = await closed;
        await worker.terminate(); // its servers and stores are closed: nothing is left to finish
        if (answer.type === 'closed' && answer.error)
          throw new Error(`closing ${name} failed: ${answer.error}`);
      })();
      return closing;
    },
  };
}

/** The thread's next status message; rejects if the thread dies first. */
function nextStatus<L>(worker: Worker): Promise<ThreadStatus<L>> {
  return new Promise((resolve, reject) => {
    const settle = (outcome: () => void) => {
      worker.off('message', onMessage).off('exit', onExit).off('error', onError);
      outcome();
    };
    const onMessage = (message: ThreadStatus<L>) => {
      if (STATUS_TYPES.has(message.type)) settle(() => resolve(message));
    };
    const onExit = (code: number) => settle(() => reject(new Error(`the thread exited with code ${code}`)));
    const onError = (error: Error) => settle(() => reject(error));
    worker.on('message', onMessage).on('exit', onExit).on('error', onError);
  });
}
