import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { type ChangeFeed, type ChangeFeedController, createChangeFeed } from './change-feed.ts';
import { localRegion } from './clients.ts';
import type {
  ChangesMessage,
  CheckpointMessage,
  ConnectMessage,
  DynamoDbThreadData,
  DynamoDbThreadListening,
  TakenMessage,
} from './dynamodb-thread.ts';
import { startEmulatorThread } from './emulator-thread.ts';

// DynamoDB for the local hub: dynalite on a private loopback port, behind the stream tap that
// gives it DynamoDB Streams-shaped change records. Everything listens on 127.0.0.1 only.
// Both run in a worker thread (dynamodb-thread.ts), so their work uses a core of its own instead of the
// hub's; the change feed stays here, beside its listeners, and takes each write's records before the
// tap answers that write. With a stream directory the changes are journalled (change-journal.ts): after a
// kill -9, a named subscription gets every change after its checkpoint again.

export interface StartDynamoDbOptions {
  /** LevelDB directory that survives restarts; in memory when omitted. */
  dataDir?: string;
  /** The change journal's directory, with `dataDir`: no change is lost to a crash. @default no journal */
  streamDir?: string;
  /** Port of the public endpoint; 0 picks a free one. @default 0 */
  port?: number;
  /** Region written into stream records and stream ARNs. @default localRegion() */
  region?: string;
}

export interface DynamoDbEmulator {
  /** The endpoint to give SDK clients: dynalite behind the stream tap. */
  endpoint: string;
  /** Where the public endpoint listens (always 127.0.0.1). */
  address: AddressInfo;
  /** Change records of every write made through `endpoint`. */
  changes: ChangeFeed;
  /**
   * A new port to the tap, for `portRequestHandler` (in-process-transport.ts): the endpoint without loopback HTTP,
   * for clients in this process (this thread, or another one the port is moved to).
   */
  connect(): MessagePort;
  /** dynalite itself. Writes made here produce no change records: benchmarks and diagnostics only. */
  untappedEndpoint: string;
  /** Stops delivery (call `changes.drain()` first to finish it), then both servers and the store. */
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

export async function startDynamoDb(options: StartDynamoDbOptions = {}): Promise<DynamoDbEmulator> {
  const { dataDir, streamDir, port = 0, region = localRegion() } = options;
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const workerData: DynamoDbThreadData = {
    host: LOOPBACK,
    port,
    region,
    ...(dataDir && { dataDir }),
    ...(streamDir && { streamDir }),
  };
  // Changes arrive only once the thread is listening, and so after the feed below exists.
  let feed: ChangeFeedController | undefined;
  const thread = await startEmulatorThread<DynamoDbThreadListening>(
    'dynamodb',
    new URL('./dynamodb-thread.ts', import.meta.url),
    workerData,
    (message, worker) => {
      if (message.type !== 'changes') return;
      const { id, records } = message as ChangesMessage;
      feed?.publish(records);
      worker.postMessage({ type: 'taken', id } satisfies TakenMessage);
    },
  );
  const { address, storePort, retained } = thread.listening;
  feed = createChangeFeed(
    retained
      ? {
          retained: retained.records,
          checkpoints: retained.checkpoints,
          onCheckpoint: (name, sequenceNumber) =>
            thread.post({ type: 'checkpoint', name, sequenceNumber } satisfies CheckpointMessage),
        }
      : {},
  );
  const changes = feed;

  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${LOOPBACK}:${address.port}`,
    address,
    changes,
    untappedEndpoint: `http://${LOOPBACK}:${storePort}`,
    connect() {
      const { port1, port2 } = new MessageChannel();
      thread.post({ type: 'connect', port: port2 } satisfies ConnectMessage, [port2]);
      return port1;
    },
    close() {
      closing ??= (async () => {
        changes.close();
        await thread.close(); // the tap, then dynalite, which closes its LevelDB store with its server
      })();
      return closing;
    },
  };
}
