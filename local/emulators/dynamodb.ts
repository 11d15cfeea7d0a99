import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { type ChangeFeed, createChangeFeed } from './change-feed.ts';
import { localRegion } from './clients.ts';
import { createDynaliteWire } from './dynalite-wire.ts';
import { createStreamTap } from './stream-tap.ts';

// DynamoDB for the local hub: dynalite on a private loopback port, behind the stream tap that
// gives it DynamoDB Streams-shaped change records. Everything listens on 127.0.0.1 only.

export interface StartDynamoDbOptions {
  /** LevelDB directory that survives restarts; in memory when omitted. */
  dataDir?: string;
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
  /** dynalite itself. Writes made here produce no change records: benchmarks and diagnostics only. */
  untappedEndpoint: string;
  /** Stops delivery (call `changes.drain()` first to finish it), then both servers and the store. */
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

export async function startDynamoDb(options: StartDynamoDbOptions = {}): Promise<DynamoDbEmulator> {
  const { dataDir, port = 0, region = localRegion() } = options;
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const store = dynalite({
    ...(dataDir && { path: dataDir }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const storeAddress = await listen(store, 0);
  const wire = createDynaliteWire(LOOPBACK, storeAddress.port);
  const feed = createChangeFeed();
  const tap = http.createServer(createStreamTap({ wire, feed, region }));
  let tapAddress: AddressInfo;
  try {
    tapAddress = await listen(tap, port);
  } catch (error) {
    wire.close();
    await closeServer(store);
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${LOOPBACK}:${tapAddress.port}`,
    address: tapAddress,
    changes: feed,
    untappedEndpoint: `http://${LOOPBACK}:${storeAddress.port}`,
    close() {
      closing ??= (async () => {
        feed.close();
        await closeServer(tap);
        wire.close();
        await closeServer(store); // dynalite closes its LevelDB store with its server
      })();
      return closing;
    },
  };
}

function listen(server: http.Server, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, () => {
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
