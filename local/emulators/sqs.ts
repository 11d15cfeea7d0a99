import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { HttpHandler } from '@smithy/core/protocols';
import { buildApp } from 'fauxqs';
import { localRegion, localSqsClient } from './clients.ts';
import { injectRequestHandler } from './in-process-transport.ts';

// SQS for the local hub: fauxqs 2.4.1's app, listened on 127.0.0.1 by us (its startFauxqs always
// binds 0.0.0.0). Persistence needs the stores and the SQLite PersistenceManager that only
// startFauxqs wires up and the package does not export, so they are loaded from its dist files;
// the version is pinned exactly, and the persistence test guards the internals we rely on.

export interface StartSqsOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** Directory for fauxqs's SQLite store, so queues and messages survive restarts; in memory when omitted. */
  dataDir?: string;
  /** Region used when a request's signature names none. @default localRegion() */
  region?: string;
}

export interface SqsEmulator {
  endpoint: string;
  /** Where it listens (always 127.0.0.1). */
  address: AddressInfo;
  /**
   * A request handler for SDK clients in this thread: requests go to fauxqs's app in-process (fastify's
   * `inject`), without loopback sockets and HTTP parsing. The endpoint serves everyone else.
   */
  requestHandler(): HttpHandler;
  close(): Promise<void>;
}

interface FauxqsQueue {
  url: string;
}
interface FauxqsSqsStore {
  host: string;
  queues: Map<string, FauxqsQueue>;
  allQueues(): Iterable<FauxqsQueue>;
}
type FauxqsStores = NonNullable<NonNullable<Parameters<typeof buildApp>[0]>['stores']>;
interface FauxqsPersistence {
  load(sqsStore: unknown, snsStore: unknown, s3Store: unknown): void;
  close(): void;
}
interface FauxqsInternals {
  SqsStore: new () => FauxqsSqsStore;
  SnsStore: new () => unknown;
  S3Store: new () => unknown;
  PersistenceManager: new (dataDir: string) => FauxqsPersistence;
}

const LOOPBACK = '127.0.0.1';

export async function startSqs(options: StartSqsOptions = {}): Promise<SqsEmulator> {
  const { port = 0, dataDir, region = localRegion() } = options;
  const internals = await loadInternals();
  const sqsStore = new internals.SqsStore();
  // No host: queue URLs take the request's own host, http://127.0.0.1:<port>/000000000000/<name>,
  // which resolves everywhere (fauxqs's default sqs.<region>.localhost does not on every system).
  sqsStore.host = '';
  const snsStore = new internals.SnsStore();
  const s3Store = new internals.S3Store();

  let persistence: FauxqsPersistence | undefined;
  if (dataDir) {
    await mkdir(dataDir, { recursive: true });
    persistence = new internals.PersistenceManager(dataDir);
    // As startFauxqs does: load first, then attach, so loading does not write back.
    persistence.load(sqsStore, snsStore, s3Store);
    for (const store of [sqsStore, snsStore, s3Store] as { persistence?: FauxqsPersistence }[]) {
      store.persistence = persistence;
    }
    for (const queue of sqsStore.allQueues())
      (queue as { persistence?: FauxqsPersistence }).persistence = persistence;
  }

  const app = buildApp({
    logger: false,
    defaultRegion: region,
    stores: { sqsStore, snsStore, s3Store } as unknown as FauxqsStores,
  });
  if (persistence) {
    const opened = persistence;
    app.addHook('preClose', () => opened.close());
  }
  await app.listen({ port, host: LOOPBACK });
  const address = app.server.address() as AddressInfo;
  const endpoint = `http://${LOOPBACK}:${address.port}`;
  if (persistence) rebaseQueueUrls(sqsStore, endpoint);

  let closing: Promise<void> | undefined;
  return {
    endpoint,
    address,
    requestHandler: () => injectRequestHandler(app),
    close() {
      closing ??= app.close().then(() => undefined);
      return closing;
    },
  };
}

/** Restored queues keep the URL of the run that created them; point them at this run's port. */
function rebaseQueueUrls(sqsStore: FauxqsSqsStore, endpoint: string): void {
  for (const queue of [...sqsStore.allQueues()]) {
    const url = new URL(queue.url);
    const rebased = `${endpoint}${url.pathname}`;
    if (rebased === queue.url) continue;
    sqsStore.queues.delete(queue.url);
    queue.url = rebased;
    sqsStore.queues.set(rebased, queue);
  }
}

async function loadInternals(): Promise<FauxqsInternals> {
  const entry = import.meta.resolve('fauxqs');
  const load = (path: string) => import(new URL(path, entry).href);
  try {
    const [sqs, sns, s3, persistence] = await Promise.all([
      load('./sqs/sqsStore.js'),
      load('./sns/snsStore.js'),
      load('./s3/s3Store.js'),
      load('./persistence.js'),
    ]);
    return {
      SqsStore: sqs.SqsStore,
      SnsStore: sns.SnsStore,
      S3Store: s3.S3Store,
      PersistenceManager: persistence.PersistenceManager,
    };
  } catch (error) {
    throw new Error('fauxqs internals not found where fauxqs 2.4.1 keeps them; check the installed version', {
      cause: error,
    });
  }
}

export interface QueueUrls {
  queueUrl: string;
  queueArn: string;
  /** Present when the queue was created with a dead-letter queue. */
  deadLetterQueueUrl?: string;
  deadLetterQueueArn?: string;
}

export interface CreateQueuesOptions {
  /** Give each queue a dead-letter queue `<name>-dlq` with a RedrivePolicy. @default true */
  dlq?: boolean;
  /** Receives before a message moves to the dead-letter queue. @default 3 */
  maxReceiveCount?: number;
  /** Further attributes for every main queue (e.g. VisibilityTimeout). */
  attributes?: Record<string, string>;
}

/** Creates queues (idempotently), each with its dead-letter queue unless `dlq: false`. */
export async function createQueues(
  endpoint: string,
  names: readonly string[],
  options: CreateQueuesOptions = {},
): Promise<Record<string, QueueUrls>> {
  const { dlq = true, maxReceiveCount = 3, attributes = {} } = options;
  const client = localSqsClient(endpoint);
  try {
    const created: Record<string, QueueUrls> = {};
    for (const name of names) {
      const fifo = name.endsWith('.fifo') ? { FifoQueue: 'true' } : undefined;
      if (!dlq) {
        created[name] = await createQueue(client, name, { ...fifo, ...attributes });
        continue;
      }
      const deadLetter = await createQueue(client, deadLetterQueueName(name), { ...fifo });
      const queue = await createQueue(client, name, {
        ...fifo,
        ...attributes,
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetter.queueArn, maxReceiveCount }),
      });
      created[name] = {
        ...queue,
        deadLetterQueueUrl: deadLetter.queueUrl,
        deadLetterQueueArn: deadLetter.queueArn,
      };
    }
    return created;
  } finally {
    client.destroy();
  }
}

function deadLetterQueueName(name: string): string {
  return name.endsWith('.fifo') ? `${name.slice(0, -'.fifo'.length)}-dlq.fifo` : `${name}-dlq`;
}

async function createQueue(
  client: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<QueueUrls> {
  const { QueueUrl: queueUrl } = await client.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
  );
  if (!queueUrl) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = Attributes?.QueueArn;
  if (!queueArn) throw new Error(`Queue ${name} has no QueueArn`);
  return { queueUrl, queueArn };
}
