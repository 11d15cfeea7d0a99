import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { DynamoDBRecord } from 'aws-lambda';
import dynalite from 'dynalite';
import { type ChangeJournal, openChangeJournal } from './change-journal.ts';
import { createDynaliteWire } from './dynalite-wire.ts';
import type { ThreadStatus } from './emulator-thread.ts';
import { servePort } from './in-process-transport.ts';
import { createStreamTap } from './stream-tap.ts';

// The DynamoDB emulator's own thread: dynalite on a private port and the stream tap in front of it, so
// their parsing, validation, JSON and LevelDB work run beside the hub's event loop instead of on it (the
// tap calls dynalite's handler in-process; dynalite's own port is for benchmarks and diagnostics). The
// tap hands each write's change records to the parent thread (which runs the change feed) and answers the
// client only once the parent has taken them, as it did in one thread. With a stream directory it also
// keeps the change journal (change-journal.ts): the parent gets what it retained when the thread is up,
// and sends each named consumer's checkpoints back. The hub's own clients reach the tap over message ports
// (in-process-transport.ts); its HTTP endpoint serves everyone else.

export interface DynamoDbThreadData {
  host: string;
  /** Port of the tap, the public endpoint; 0 picks a free one. */
  port: number;
  region: string;
  dataDir?: string;
  /** Where the change journal is kept; no journal when omitted. */
  streamDir?: string;
}

export interface DynamoDbThreadListening {
  address: AddressInfo;
  storePort: number;
  /** What the journal kept: the records to deliver again after the consumers' checkpoints. */
  retained?: { records: DynamoDBRecord[]; checkpoints: Record<string, string> };
}

/** A named consumer of the change feed has handled every record up to this one. */
export interface CheckpointMessage {
  type: 'checkpoint';
  name: string;
  sequenceNumber: string;
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
const { host, port, region, dataDir, streamDir } = workerData as DynamoDbThreadData;

const store = dynalite({
  ...(dataDir && { path: dataDir }),
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
});
const taking = new Map<number, () => void>();
let nextId = 0;
let tap: http.Server | undefined;
let journal: ChangeJournal | undefined;

/** A port to serve SDK requests on, in-process (in-process-transport.ts): the hub's and the derive thread's clients. */
export interface ConnectMessage {
  type: 'connect';
  port: MessagePort;
}

/** The tap's request listener, once it is up. */
let tapListener: http.RequestListener | undefined;

parent.on('message', (message: TakenMessage | CheckpointMessage | ConnectMessage | { type: 'close' }) => {
  if (message.type === 'connect') {
    // The parent connects only once the thread is listening, so the tap is up; were it not, closing the port
    // fails the client's requests rather than leaving them waiting.
    if (tapListener) servePort(message.port, tapListener);
    else message.port.close();
  } else if (message.type === 'taken') {
    taking.get(message.id)?.();
    taking.delete(message.id);
  } else if (message.type === 'checkpoint') {
    journal?.checkpoint(message.name, message.sequenceNumber);
  } else if (message.type === 'close') {
    void close();
  }
});

try {
  const storePort = (await listen(store, 0)).port;
  const wire = createDynaliteWire(store);
  const feed = {
    publish(records: readonly DynamoDBRecord[]): Promise<void> | undefined {
      if (records.length === 0) return undefined;
      const id = nextId++;
      const taken = new Promise<void>((resolve) => taking.set(id, resolve));
      post({ type: 'changes', id, records: [...records] });
      return taken;
    },
  };
  const opened = streamDir ? openChangeJournal(streamDir) : undefined;
  journal = opened?.journal;
  const recovered = opened?.recovered;
  const streamTap = createStreamTap({
    wire,
    feed,
    region,
    ...(opened && { journal: opened.journal }),
    ...(recovered?.lastSequenceNumber && { lastSequenceNumber: recovered.lastSequenceNumber }),
  });
  const settled = recovered ? await streamTap.settleInterrupted(recovered.interrupted) : [];
  tap = http.createServer(streamTap.listener);
  tapListener = streamTap.listener;
  const address = await listen(tap, port);
  post({
    type: 'listening',
    address,
    storePort,
    ...(recovered && {
      retained: { records: [...recovered.records, ...settled], checkpoints: recovered.checkpoints },
    }),
  });
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}

/** Stops the tap, then dynalite (which closes its store with its server); the parent then ends the thread. */
async function close(): Promise<void> {
  let failure: string | undefined;
  try {
    if (tap?.listening) await closeServer(tap);
    if (store.listening) await closeServer(store);
    journal?.close();
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
