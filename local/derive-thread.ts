import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { ProfileStore } from '#functions/adapters/profile-store.ts';
import { RecordStore } from '#functions/adapters/record-store.ts';
import { createDeriveHandler } from '#functions/derive/handler.ts';
import { DEFAULT_DERIVED_CONFIG, type DerivedConfig } from '#functions/runtime/derived-config.ts';
import { localDynamoDbClient } from './emulators/clients.ts';
import type { ThreadStatus } from './emulators/emulator-thread.ts';
import { portRequestHandler } from './emulators/in-process-transport.ts';
import { pinLogLevel } from './log-level.ts';
import { meterDynamoDb } from './request-meter.ts';

// The derive function's own thread, as it is its own Lambda on AWS: its DynamoDB client, its requests and
// its derivations run beside the hub's event loop (HTTP API, publisher, bus) instead of on it. The parent
// hands it what the function would be invoked with and gets the handler's answer back.

export interface DeriveThreadData {
  dynamodbEndpoint: string;
  /** The DynamoDB emulator's port for this thread's client (DynamoDbEmulator.connect), moved to the thread. */
  dynamodbPort: MessagePort;
  tableName: string;
  eventBusName: string;
  config?: DerivedConfig;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

/** An invocation: a queue batch or a scheduled event (the handler's input), or a daily evaluation as of a day. */
export type DeriveRequest =
  | { type: 'invoke'; id: number; event: unknown }
  | { type: 'evaluate'; id: number; asOf: string }
  | { type: 'counts'; id: number };

export type DeriveReply =
  | { type: 'reply'; id: number; result: unknown }
  | { type: 'reply'; id: number; error: { name: string; message: string } };

const parent = parentPort as MessagePort;
const data = workerData as DeriveThreadData;
pinLogLevel(data.logLevel);
const dynamoDb = localDynamoDbClient(data.dynamodbEndpoint, {
  requestHandler: portRequestHandler(data.dynamodbPort),
});
const meter = meterDynamoDb(dynamoDb);
const derive = createDeriveHandler({
  records: new RecordStore(dynamoDb, data.tableName),
  profiles: new ProfileStore(dynamoDb, data.tableName),
  eventBusName: data.eventBusName,
  config: data.config ?? DEFAULT_DERIVED_CONFIG,
  now: () => new Date(),
});

parent.on('message', async (message: DeriveRequest | { type: 'close' }) => {
  if (message.type === 'close') {
    dynamoDb.destroy();
    parent.postMessage({ type: 'closed' } satisfies ThreadStatus<never>);
    return;
  }
  try {
    const result =
      message.type === 'counts'
        ? meter.counts()
        : message.type === 'evaluate'
          ? await derive.evaluateDue({ asOf: message.asOf })
          : await derive(message.event);
    parent.postMessage({ type: 'reply', id: message.id, result } satisfies DeriveReply);
  } catch (error) {
    const { name, message: text } = error instanceof Error ? error : new Error(String(error));
    parent.postMessage({
      type: 'reply',
      id: message.id,
      error: { name, message: text },
    } satisfies DeriveReply);
  }
});
parent.postMessage({ type: 'listening' } satisfies ThreadStatus<object>);
