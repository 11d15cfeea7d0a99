import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { DynamoDBRecord } from 'aws-lambda';
import dynalite from 'dynalite';
import { createDynaliteWire } from './dynalite-wire.ts';
import type { ThreadStatus } from './emulator-thread.ts';
import { createStreamTap } from './stream-tap.ts';

// The DynamoDB emulator's own thread: dynalite on a private port and the stream tap in front of it, so
// their parsing, validation, JSON and LevelDB work run beside the hub's event loop instead of on it. The
// tap hands each write's change records to the parent thread (which runs the change feed) and answers the
// client only once the parent has taken them, as it did in one thread.

export interface DynamoDbThreadData {
  host: string;
  /** Port of the tap, the public endpoint; 0 picks a free one. */
  port: number;
  region: string;
  dataDir?: string;
}

export interface DynamoDbThreadListening {
  address: AddressInfo;
  storePort: number;
}

/** A write's change records, for the parent's change feed; the tap answers the write once they are taken. */
export interface ChangesMessage {
  type: 'changes';
  id: number;
  records: DynamoDBRecord[];
}

export interface TakenMessage {
  type: 'taken';
  id: number;
}

const parent = parentPort as MessagePort;
if (!parent) throw new Error('dynamodb-thread.ts runs as a worker thread only');
const post = (message: ThreadStatus<DynamoDbThreadListening> | ChangesMessage) => parent.postMessage(message);
const { host, port, region, dataDir } = workerData as DynamoDbThreadData;

const store = dynalite({
  ...(dataDir && { path: dataDir }),
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
});
const taking = new Map<number, () => void>();
let nextId = 0;
let wire: ReturnType<typeof createDynaliteWire> | undefined;
let tap: http.Server | undefined;

parent.on('message', (message: TakenMessage | { type: 'close' }) => {
  if (message.type === 'taken') {
    taking.get(message.id)?.();
    taking.delete(message.id);
  } else if (message.type === 'close') {
    void close();
  }
});

try {
  const storePort = (await listen(store, 0)).port;
  wire = createDynaliteWire(host, storePort);
  const feed = {
    publish(records: readonly DynamoDBRecord[]): Promise<void> | undefined {
      if (records.length === 0) return undefined;
      const id = nextId++;
      const taken = new Promise<void>((resolve) => taking.set(id, resolve));
      post({ type: 'changes', id, records: [...records] });
      return taken;
    },
  };
  tap = http.createServer(createStreamTap({ wire, feed, region }));
  post({ type: 'listening', address: await listen(tap, port), storePort });
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}

/** Stops the tap, then dynalite (which closes its store with its server); the parent then ends the thread. */
async function close(): Promise<void> {
  let failure: string | undefined;
  try {
    if (tap?.listening) await closeServer(tap);
    wire?.close();
    if (store.listening) await closeServer(store);
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  for (const release of taking.values()) release();
  post(failure ? { type: 'closed', error: failure } : { type: 'closed' });
}

function listen(server: http.Server, listenPort: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
