import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { IMPORT_ROUTES } from '#api/import-api.ts';
import {
  type CompiledRule,
  compileSmokeRule,
  compileSubscription,
  QUEUE_DELIVERY,
  SMOKE_SUBSCRIBER,
  SUBSCRIPTIONS,
  type Subscription,
  withSubscribers,
} from '#events/index.ts';
import { DeliveryLog, DeliveryTally } from '#functions/adapters/delivery-log.ts';
import { idempotencyPersistence } from '#functions/adapters/idempotency-store.ts';
import { ImportStore } from '#functions/adapters/import-store.ts';
import { PROFILE_SK } from '#functions/adapters/profile-store.ts';
import { RecordStore } from '#functions/adapters/record-store.ts';
import { RECORD_SK } from '#functions/adapters/store-items.ts';
import type { SubmitterContext } from '#functions/http/submitter-context.ts';
import { createImportsHandler } from '#functions/imports/handler.ts';
import { createImportWorker } from '#functions/imports/worker.ts';
import { createIngestHandler } from '#functions/ingest/handler.ts';
import { createPublishHandler } from '#functions/publish/handler.ts';
import { logger } from '#functions/runtime/logger.ts';
import { retrying } from '#functions/runtime/retry.ts';
import { type LocalRoute, startApiServer } from './api-server.ts';
import { createLocalBus } from './bus/index.ts';
import { CONSOLE_PATH, consoleRoute } from './console-route.ts';
import { createLocalDerivedServices } from './derived-services.ts';
import { issueSampleTokens } from './dev-submitters.ts';
import { docsRoutes } from './docs-routes.ts';
import { toStreamEvent } from './emulators/change-feed.ts';
import {
  emulatorSigner,
  ensureTable,
  LOCAL_CREDENTIALS,
  localDynamoDbClient,
  localRegion,
  localSqsClient,
} from './emulators/clients.ts';
import { startDynamoDb } from './emulators/dynamodb.ts';
import { portRequestHandler } from './emulators/in-process-transport.ts';
import { createQueues, startSqs } from './emulators/sqs.ts';
import { IDEMPOTENCY_TABLE, IMPORTS_TABLE, RECORDS_TABLE } from './emulators/table-definition.ts';
import { startEventBridgeEndpoint } from './eventbridge-endpoint.ts';
import { type HubEndpoints, loadHubSecrets } from './hub-state.ts';
import { startLocalImportFiles } from './import-files.ts';
import { createImportRunner } from './import-runner.ts';
import { lambdaContext } from './lambda-context.ts';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, localVerifier, publicJwks, type SigningKey } from './local-jwt.ts';
import { type LogLevel, pinLogLevel } from './log-level.ts';
import { openApiRoute } from './openapi-route.ts';
import { createLocalOperations } from './operations.ts';
import { createQueueBatcher } from './queue-batcher.ts';
import { replayRoute } from './replay.ts';
import { addCounts, meterDynamoDb, type OperationCounts } from './request-meter.ts';
import { createRouteThrottle, type ThrottleLimits } from './route-throttle.ts';
import { streamFailureMessage } from './stream-failures.ts';

export interface HubOptions {
  /** Port of the HTTP API; 0 picks a free one. @default 4000 */
  port?: number;
  /** Keep data (table, queues, secrets) here across restarts; in memory when omitted. */
  dataDir?: string;
  /** Department subscriptions. @default the catalogue in events/ */
  subscriptions?: readonly Subscription[];
  /** City and county offices besides the departments, e.g. `public-security@3301` (hub.local.json). */
  subscribers?: readonly string[];
  /** The handlers' log level. @default POWERTOOLS_LOG_LEVEL, else WARN (the console is the developer's) */
  logLevel?: LogLevel;
  /** The stage's API throttling, enforced per route as API Gateway does. @default - none */
  throttle?: ThrottleLimits;
}

export interface LocalHub {
  endpoints: HubEndpoints;
  /** The private key the hub signs and verifies submitter tokens with (local-jwt.ts). */
  signingKey: SigningKey;
  /** Resolves once every change stored so far has been published, delivered and derived (or dead-lettered). */
  settle(): Promise<void>;
  /** What the hub (all its threads) has asked of DynamoDB so far: the benchmark's write count. */
  dynamoDbRequests(): Promise<OperationCounts>;
  /** Resolves once no import job is queued or running. */
  drainImports(): Promise<void>;
  stop(): Promise<void>;
}

const EVENT_BUS_NAME = 'residence-data-hub-local';
/**
 * How far the change feed (records) and the derive queue (events) may fall behind an import before its next
 * chunk waits: four chunks' worth, enough to keep every stage busy, never a pile-up in memory.
 */
const IMPORT_MAX_BACKLOG = 2_000;
const IMPORT_PACE_POLL_MS = 20;
/** How often the hub adds its delivery counts to the log (one write per subscriber, day and type). */
const DELIVERY_LOG_FLUSH_MS = 1_000;
const PUBLISHER_FAILURES = 'publisher-failures';
/** As the publisher's event source mapping is configured on AWS (infra/constructs/publisher.ts). */
const PUBLISHER_PARALLELIZATION = 4;
const PUBLISHED_ITEMS = new Set([RECORD_SK, PROFILE_SK]);

/**
 * The whole flow of DESIGN.md §1 on 127.0.0.1 with Node alone: DynamoDB and SQS emulators, the stream tap's
 * change feed driving the publish handler, the local bus applying the compiled subscriptions, and the ingest
 * handler behind an HTTP API.
 */
export async function startHub(options: HubOptions = {}): Promise<LocalHub> {
  pinLogLevel(options.logLevel ?? (process.env.POWERTOOLS_LOG_LEVEL as LogLevel | undefined) ?? 'WARN');
  const region = localRegion();
  const dataDir = options.dataDir;
  const secrets = await loadHubSecrets(dataDir);
  const dynamo = await startDynamoDb({
    region,
    ...(dataDir && { dataDir: join(dataDir, 'dynamodb'), streamDir: join(dataDir, 'dynamodb-stream') }),
  });
  const sqs = await startSqs({ region, ...(dataDir ? { dataDir: join(dataDir, 'sqs') } : {}) });
  // The hub's clients reach the emulator over a message port; its endpoint is for everyone else.
  const dynamoDb = localDynamoDbClient(dynamo.endpoint, {
    requestHandler: portRequestHandler(dynamo.connect()),
  });
  const meter = meterDynamoDb(dynamoDb);
  const sqsClient = localSqsClient(sqs.endpoint, { requestHandler: sqs.requestHandler() });
  await ensureTable(dynamoDb, RECORDS_TABLE);
  await ensureTable(dynamoDb, IDEMPOTENCY_TABLE);
  await ensureTable(dynamoDb, IMPORTS_TABLE);

  const subscriptions = withSubscribers(options.subscriptions ?? SUBSCRIPTIONS, options.subscribers ?? []);
  // Subscriber id → queue name stem; the smoke subscriber's queue exists as on AWS.
  const subscribers = new Map([
    ...subscriptions.map((s) => [s.subscriber, s.name] as const),
    [SMOKE_SUBSCRIBER, SMOKE_SUBSCRIBER],
  ]);
  const queueByName = await createQueues(sqs.endpoint, [...subscribers.values()], {
    maxReceiveCount: QUEUE_DELIVERY.maxReceiveCount,
    attributes: {
      VisibilityTimeout: String(QUEUE_DELIVERY.visibilityTimeoutSeconds),
      MessageRetentionPeriod: String(QUEUE_DELIVERY.retentionSeconds),
    },
  });
  const queues = Object.fromEntries([...subscribers].map(([id, name]) => [id, queueByName[name]]));
  const { [PUBLISHER_FAILURES]: failures } = await createQueues(sqs.endpoint, [PUBLISHER_FAILURES], {
    dlq: false,
  });
  const send = async (queueUrl: string, body: string, attributes: Record<string, string> = {}) => {
    await sqsClient.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: body,
        MessageAttributes: Object.fromEntries(
          Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
        ),
      }),
    );
  };

  // One message per event and rule, as EventBridge delivers; concurrent ones to a queue share SendMessageBatch calls.
  const targetQueues = createQueueBatcher({ client: sqsClient });
  const rules = [...subscriptions.flatMap(compileSubscription), compileSmokeRule()].map(
    (rule: CompiledRule) => ({ rule, queue: queues[rule.subscriber] }),
  );
  const queueOfRule = new Map(rules.map(({ rule, queue }) => [rule.ruleName, queue]));
  const subscriberOfRule = new Map(rules.map(({ rule }) => [rule.ruleName, rule.subscriber]));
  // The delivery log: on AWS the rules' metrics say what was delivered; locally the hub counts it.
  const deliveries = new DeliveryTally(new DeliveryLog(dynamoDb, RECORDS_TABLE.tableName));
  const flushDeliveries = setInterval(() => {
    deliveries.flush().catch((error: unknown) => logger.warn('delivery log not written yet', { error }));
  }, DELIVERY_LOG_FLUSH_MS);
  // The derived services: an internal bus rule to the derive handler, the statistics consumer, the query
  // routes, the daily timer.
  const derived = await createLocalDerivedServices({
    dynamoDb,
    dynamodbEndpoint: dynamo.endpoint,
    connectDynamoDb: () => dynamo.connect(),
    sqs: sqsClient,
    sqsEndpoint: sqs.endpoint,
    tableName: RECORDS_TABLE.tableName,
    changes: dynamo.changes,
    personKeySecret: secrets.personKeySecret,
    eventBusName: EVENT_BUS_NAME,
    settle: () => dynamo.changes.drain(),
  });
  const imports = new ImportStore(dynamoDb, IMPORTS_TABLE.tableName);
  // The operations read API (flow, late reports, imports, subscribers, divisions) and the meter of deliveries.
  const operations = createLocalOperations({
    dynamoDb,
    sqs: sqsClient,
    sqsEndpoint: sqs.endpoint,
    tableName: RECORDS_TABLE.tableName,
    // The departments and their offices; the smoke test's queue is no department's.
    queues: Object.fromEntries(Object.entries(queues).filter(([id]) => id !== SMOKE_SUBSCRIBER)),
    lateReports: derived.lateReports.counter,
    imports,
  });
  const bus = createLocalBus({
    busName: EVENT_BUS_NAME,
    region,
    rules: [
      ...rules.map(({ rule, queue }) => ({
        name: rule.ruleName,
        eventPattern: rule.eventPattern,
        inputTransformer: rule.inputTransformer,
        target: async (message: string) => {
          await withRetries(async () => {
            await targetQueues.send(queue?.queueUrl ?? '', { MessageBody: message });
          });
          operations.deliveries.delivered(queue?.queueUrl ?? '');
          deliveries.count(rule.subscriber, (JSON.parse(message) as { type: string }).type, 'delivered');
        },
      })),
      ...derived.busRules,
    ],
    // As EventBridge does with a target's dead-letter queue: the original event, the reason as attributes.
    onTargetError: async ({ ruleName, event, error }) => {
      const queue = queueOfRule.get(ruleName);
      const subscriber = subscriberOfRule.get(ruleName);
      if (subscriber !== undefined) deliveries.count(subscriber, event['detail-type'], 'deadLettered');
      await send(queue?.deadLetterQueueUrl ?? '', JSON.stringify(event), {
        ERROR_CODE: 'SQS_DELIVERY_FAILED',
        ERROR_MESSAGE: error instanceof Error ? error.message : String(error),
        RULE_ARN: `arn:local:events:${region}:000000000000:rule/${EVENT_BUS_NAME}/${ruleName}`,
        TARGET_ARN: queue?.queueArn ?? '',
      });
    },
  });
  const eventBridge = await startEventBridgeEndpoint(bus);
  const busClient = new EventBridgeClient({
    endpoint: eventBridge.endpoint,
    region,
    credentials: LOCAL_CREDENTIALS,
    signer: emulatorSigner(region, 'events'),
  });

  const store = new RecordStore(dynamoDb, RECORDS_TABLE.tableName);
  const ingest = createIngestHandler({
    store,
    personKeySecret: secrets.personKeySecret,
    idempotencyStore: idempotencyPersistence(dynamoDb, IDEMPOTENCY_TABLE.tableName),
    lateReports: derived.lateReports,
    flow: [operations.flow],
    applications: derived.applications,
    permitNumbers: derived.permitNumbers,
  });
  const publish = createPublishHandler({ store, eventBridge: busClient, eventBusName: EVENT_BUS_NAME });

  // Bulk imports: files in a folder of the data dir (or a temporary one), the same worker behind a local job
  // queue, started by a file landing as an S3 notification would start it.
  const importDir = dataDir ? join(dataDir, 'imports') : await mkdtemp(join(tmpdir(), 'hub-imports-'));
  let runner: ReturnType<typeof createImportRunner> | undefined;
  const importFiles = await startLocalImportFiles({
    dir: importDir,
    onLanded: (key, size) =>
      runner?.enqueue(
        JSON.stringify({ Records: [{ eventSource: 'aws:s3', s3: { object: { key, size } } }] }),
      ),
  });
  runner = createImportRunner({
    imports,
    worker: createImportWorker({
      imports,
      files: importFiles,
      ingest: {
        store,
        personKeySecret: secrets.personKeySecret,
        lateReports: derived.lateReports,
        permitNumbers: derived.permitNumbers,
      },
      jobs: { resume: async (importId) => runner?.enqueue(JSON.stringify({ importId })) },
      // The change feed waits in memory here (a DynamoDB stream keeps 24 hours on AWS): the next chunk goes
      // once the feed and the derivations are within IMPORT_MAX_BACKLOG of it. Waiting for them to empty
      // instead would leave every stage idle in turn.
      pace: async () => {
        while (
          dynamo.changes.backlog() > IMPORT_MAX_BACKLOG ||
          (await derived.backlog()) > IMPORT_MAX_BACKLOG
        )
          await sleep(IMPORT_PACE_POLL_MS);
      },
    }),
  });
  const importsApi = createImportsHandler({ imports, files: importFiles });
  const unsubscribe = dynamo.changes.subscribe(
    (records) => publish(toStreamEvent(records), lambdaContext('publish')),
    {
      name: 'publisher',
      tableNames: [RECORDS_TABLE.tableName],
      // As the mapping's filter criteria (infra/constructs/publisher.ts): new versions of records and profiles.
      filter: (record) =>
        record.eventName !== 'REMOVE' && PUBLISHED_ITEMS.has(record.dynamodb?.Keys?.sk?.S ?? ''),
      parallelizationFactor: PUBLISHER_PARALLELIZATION,
      partitionKey: RECORDS_TABLE.partitionKey.name,
      onFailure: (failure) => send(failures?.queueUrl ?? '', streamFailureMessage(failure)),
    },
  );

  const api = await startApiServer({
    port: options.port ?? 4000,
    authenticate: localVerifier(secrets.signingKey),
    ...(options.throttle === undefined ? {} : { throttle: createRouteThrottle(options.throttle) }),
    routes: [
      {
        method: 'POST',
        path: '/v1/records',
        authorized: true,
        handler: (event, context) => ingest(event, context as SubmitterContext),
      },
      {
        // Local only: answers once every change so far has reached the department queues (tests, demo, bench).
        method: 'POST',
        path: '/_local/settle',
        authorized: false,
        handler: async () => {
          await settle();
          return { statusCode: 204 };
        },
      },
      {
        // The public key, as an OIDC issuer publishes it, so integrators can verify tokens themselves.
        method: 'GET',
        path: '/.well-known/jwks.json',
        authorized: false,
        handler: async () => ({
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(publicJwks(secrets.signingKey)),
        }),
      },
      ...Object.values(IMPORT_ROUTES).map(
        (route): LocalRoute => ({
          ...route,
          authorized: true,
          handler: (event, context) => importsApi(event, context as SubmitterContext),
        }),
      ),
      // Local only: replay of a time range to one subscriber (archive replay with FilterArns on AWS).
      replayRoute({
        store,
        deliveries,
        subscribers: new Map(
          [...subscribers.keys()].map((id) => [
            id,
            {
              rules: rules.filter(({ rule }) => rule.subscriber === id).map(({ rule }) => rule),
              send: (body: string) => targetQueues.send(queues[id]?.queueUrl ?? '', { MessageBody: body }),
            },
          ]),
        ),
      }),
      ...derived.routes,
      ...operations.routes,
      consoleRoute(),
      openApiRoute(),
      ...(await docsRoutes()),
      {
        method: 'GET',
        path: '/health',
        authorized: false,
        handler: async () => ({
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          body: '{"status":"ok"}',
        }),
      },
    ],
  });

  const stopDerived = derived.start();
  await runner.recover();
  /**
   * Every change published and delivered, every person event derived, the profiles' changes counted (the
   * feed once more after derivation, which writes profiles and no records), and the delivery counts logged.
   */
  async function settle(): Promise<void> {
    await dynamo.changes.drain();
    await derived.drain();
    await dynamo.changes.drain();
    await deliveries.flush();
  }

  const endpoints: HubEndpoints = {
    apiUrl: api.url,
    consoleUrl: `${api.url}${CONSOLE_PATH}`,
    region,
    sqsEndpoint: sqs.endpoint,
    dynamodbEndpoint: dynamo.endpoint,
    eventBridgeEndpoint: eventBridge.endpoint,
    tableName: RECORDS_TABLE.tableName,
    queues: Object.fromEntries([...subscribers.keys()].map((id) => [id, queues[id]?.queueUrl ?? ''])),
    deadLetterQueues: {
      ...Object.fromEntries([...subscribers.keys()].map((id) => [id, queues[id]?.deadLetterQueueUrl ?? ''])),
      [PUBLISHER_FAILURES]: failures?.queueUrl ?? '',
      derive: derived.queues.deriveFailures,
      statistics: derived.queues.statisticsFailures,
    },
    derivedEventsQueue: derived.queues.derivedEvents,
    identity: { issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, jwksUrl: `${api.url}/.well-known/jwks.json` },
    tokens: await issueSampleTokens(secrets.signingKey),
  };

  return {
    endpoints,
    signingKey: secrets.signingKey,
    settle,
    dynamoDbRequests: async () => addCounts(meter.counts(), await derived.dynamoDbRequests()),
    drainImports: () => runner.drain(),
    async stop() {
      await closeServer(api.server);
      await runner.stop();
      await importFiles.close();
      if (!dataDir) await rm(importDir, { recursive: true, force: true });
      await settle();
      unsubscribe();
      await stopDerived();
      clearInterval(flushDeliveries);
      busClient.destroy();
      await closeServer(eventBridge.server);
      dynamoDb.destroy();
      sqsClient.destroy();
      await dynamo.close();
      await sqs.close();
    },
  };
}

/** EventBridge retries a failed delivery before it dead-letters the event; the local bus does a few quick ones. */
function withRetries(send: () => Promise<void>): Promise<void> {
  return retrying(send, () => true, { attempts: 3, baseDelayMs: 50 });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
