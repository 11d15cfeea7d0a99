import type { MessagePort } from 'node:worker_threads';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { z } from 'zod';
import { ProblemError, problemResponse } from '#api/problems.ts';
import { QUERY_ROUTES } from '#api/query-api.ts';
import { chinaDateOf } from '#domain/dates.ts';
import { DERIVE_EVENT_PATTERN, DERIVED_SOURCE } from '#events/derived.ts';
import { AuditStore } from '#functions/adapters/audit-store.ts';
import { DeliveryLog } from '#functions/adapters/delivery-log.ts';
import { LateReportCounter, type LateReportDeps } from '#functions/adapters/late-report-counter.ts';
import { PermitNumberIndex } from '#functions/adapters/permit-number-index.ts';
import { PROFILE_SK, ProfileStore } from '#functions/adapters/profile-store.ts';
import { StatsStore } from '#functions/adapters/stats-store.ts';
import type { SubmitterContext } from '#functions/http/submitter-context.ts';
import type { ApplicationFlagDeps } from '#functions/ingest/application-flags.ts';
import { createQueryHandler } from '#functions/query/handler.ts';
import { DEFAULT_DERIVED_CONFIG, type DerivedConfig } from '#functions/runtime/derived-config.ts';
import { logger } from '#functions/runtime/logger.ts';
import { createStatsHandler } from '#functions/stats/handler.ts';
import { calendarDate } from '#schemas/values/date.ts';
import type { LocalRoute } from './api-server.ts';
import type { LocalBusRule } from './bus/index.ts';
import type { DeriveThreadData } from './derive-thread.ts';
import { startDeriveWorker } from './derive-worker.ts';
import type { ChangeFeed, SubscribeOptions, Unsubscribe } from './emulators/change-feed.ts';
import { createQueues } from './emulators/sqs.ts';
import { lambdaContext } from './lambda-context.ts';
import { createQueueBatcher } from './queue-batcher.ts';
import { createQueueEventSource } from './queue-event-source.ts';
import type { OperationCounts } from './request-meter.ts';
import { streamFailureMessage } from './stream-failures.ts';

/*
 * The derived services on the local hub, wired as on AWS: the derive handler behind an internal rule of the
 * local bus (every record event with a personKey, the whole event as input) whose target is the
 * `derive-invocations` queue, read in batches as an event source mapping does (queue-event-source.ts; kept
 * with --data-dir, so a kill -9 loses no event); the statistics handler on the table's change feed (profile
 * items only, in batches, as one stream shard); the query handler behind `POST /v1/persons/lookup`,
 * `GET /v1/stats`, `GET /v1/audit`; and the daily evaluation on an internal timer (00:05 China time) plus
 * `POST /_local/evaluate {"asOf":"YYYY-MM-DD"}` for tests and demos.
 * Derived events (source residence-data-hub.derived) land in a `derived-events` queue for inspection.
 */

export const DERIVE_RULE = 'derive-person-profile';
export const DERIVED_EVENTS_RULE = 'derived-events-debug';
export const DERIVED_EVENTS_QUEUE = 'derived-events';
export const DERIVE_FAILURES_QUEUE = 'derive-failures';
export const DERIVE_INVOCATIONS_QUEUE = 'derive-invocations';
/** Longer than a batch's derivation takes; an event whose batch died comes back after it. */
const INVOCATION_VISIBILITY_SECONDS = 30;
export const STATISTICS_FAILURES_QUEUE = 'statistics-failures';
/** The local change feed is one stream shard; the statistics keep their watermark under this id. */
export const LOCAL_STREAM_SHARD = 'shardId-local-000000000000';
/** As the statistics event source mapping is configured on AWS (infra/constructs/statistics.ts). */
const STATISTICS_BATCH_SIZE = 1_000;
const STATISTICS_BATCHING_WINDOW_MS = 100;
export const EVALUATE_ROUTE_PATH = '/_local/evaluate';
/** As the derive queue's event source mapping is configured on AWS (infra/constructs/derived-services.ts). */
const DERIVE_BATCH_SIZE = 100;

/** Same daily moment as the deployed schedule rule: 00:05 in China (16:05 UTC the day before). */
const RUN_AT_CHINA_MINUTES = 5;
const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** Milliseconds from `now` to the next 00:05 China time (never 0: a run exactly on time waits a day). */
export function msUntilNextDailyRun(now: Date): number {
  const chinaMs = now.getTime() + CHINA_OFFSET_MS;
  const runToday = Math.floor(chinaMs / DAY_MS) * DAY_MS + RUN_AT_CHINA_MINUTES * 60_000;
  const next = runToday > chinaMs ? runToday : runToday + DAY_MS;
  return next - chinaMs;
}

export interface LocalDerivedOptions {
  dynamoDb: DynamoDBClient;
  /** The DynamoDB endpoint the derive thread connects to (with a client of its own)... */
  dynamodbEndpoint: string;
  /** ...over a port of its own to the emulator (DynamoDbEmulator.connect). */
  connectDynamoDb: () => MessagePort;
  sqs: SQSClient;
  sqsEndpoint: string;
  tableName: string;
  /** The table's change feed: the statistics consumer reads the profile items' changes from it. */
  changes: ChangeFeed;
  personKeySecret: string;
  /** The bus the derived events are for (the publisher puts them there from the profile items' changes). */
  eventBusName: string;
  /** Resolves once every stored change has been published and derived (the hub's settle). */
  settle: () => Promise<void>;
  config?: DerivedConfig;
}

export interface LocalDerived {
  busRules: LocalBusRule[];
  routes: LocalRoute[];
  queues: { derivedEvents: string; deriveFailures: string; statisticsFailures: string };
  /** What the derive thread has asked of DynamoDB so far. */
  dynamoDbRequests(): Promise<OperationCounts>;
  /** Resolves once every event handed to the derive rule so far has been derived (or dead-lettered). */
  drain(): Promise<void>;
  /** Events handed to the derive rule and not derived yet. */
  backlog(): Promise<number>;
  /** For the ingest handler: the reporting deadlines and the per-submitter late-report counter. */
  lateReports: Required<LateReportDeps>;
  /** For the ingest handler: the profiles and rules behind an application's eligibility flags. */
  applications: ApplicationFlagDeps;
  /** For the ingest handler: who holds each permit number. */
  permitNumbers: PermitNumberIndex;
  /**
   * Starts the derivations and the daily timer, once the bus is up; returns the function that stops them, the
   * statistics consumer and the derive thread.
   */
  start(): () => Promise<void>;
}

const evaluateRequest = z.strictObject({ asOf: calendarDate.optional() });

/**
 * The statistics consumer on a table's change feed, as its event source mapping is on AWS: profile items
 * only, in batches, handed over with the (one) shard's id. Returns the function that unsubscribes it.
 */
export function subscribeStatistics(options: {
  changes: ChangeFeed;
  tableName: string;
  stats: StatsStore;
  /** The subscription's checkpoint name in a durable feed (SubscribeOptions.name). */
  name?: string;
  onFailure?: SubscribeOptions['onFailure'];
}): Unsubscribe {
  const statistics = createStatsHandler({ stats: options.stats });
  return options.changes.subscribe(
    (records) =>
      statistics({ Records: records, shardId: LOCAL_STREAM_SHARD, state: {} }, lambdaContext('statistics')),
    {
      ...(options.name && { name: options.name }),
      tableNames: [options.tableName],
      // As the mapping's filter criteria (infra/constructs/statistics.ts).
      filter: (record) => record.dynamodb?.Keys?.sk?.S === PROFILE_SK,
      batchSize: STATISTICS_BATCH_SIZE,
      maxBatchingWindowMs: STATISTICS_BATCHING_WINDOW_MS,
      ...(options.onFailure && { onFailure: options.onFailure }),
    },
  );
}

export async function createLocalDerivedServices(options: LocalDerivedOptions): Promise<LocalDerived> {
  const config = options.config ?? DEFAULT_DERIVED_CONFIG;
  const { tableName, dynamoDb } = options;
  const profiles = new ProfileStore(dynamoDb, tableName);
  const stats = new StatsStore(dynamoDb, tableName);
  const derive = await startDeriveWorker({
    dynamodbEndpoint: options.dynamodbEndpoint,
    dynamodbPort: options.connectDynamoDb(),
    tableName,
    eventBusName: options.eventBusName,
    config,
    logLevel: logger.getLevelName() as DeriveThreadData['logLevel'],
  });
  const permitNumbers = new PermitNumberIndex(dynamoDb, tableName);
  const query = createQueryHandler({
    profiles,
    permitNumbers,
    audit: new AuditStore(dynamoDb, tableName),
    stats,
    deliveries: new DeliveryLog(dynamoDb, tableName),
    personKeySecret: options.personKeySecret,
    config,
  });
  const queues = await createQueues(
    options.sqsEndpoint,
    [DERIVED_EVENTS_QUEUE, DERIVE_FAILURES_QUEUE, STATISTICS_FAILURES_QUEUE],
    { dlq: false },
  );
  const { [DERIVE_INVOCATIONS_QUEUE]: invocationQueue } = await createQueues(
    options.sqsEndpoint,
    [DERIVE_INVOCATIONS_QUEUE],
    { dlq: false, attributes: { VisibilityTimeout: String(INVOCATION_VISIBILITY_SECONDS) } },
  );
  const derivedEvents = queues[DERIVED_EVENTS_QUEUE]?.queueUrl ?? '';
  const deriveFailures = queues[DERIVE_FAILURES_QUEUE]?.queueUrl ?? '';
  const statisticsFailures = queues[STATISTICS_FAILURES_QUEUE]?.queueUrl ?? '';
  const send = (queueUrl: string, body: string) =>
    options.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  // Derived events come by the hundred in a bulk load: their inspection queue gets SendMessageBatch calls.
  const inspection = createQueueBatcher({ client: options.sqs });

  const stopStatistics = subscribeStatistics({
    changes: options.changes,
    tableName,
    stats,
    name: 'statistics',
    onFailure: async (failure) => {
      await send(statisticsFailures, streamFailureMessage({ ...failure, shardId: LOCAL_STREAM_SHARD }));
    },
  });

  // As on AWS, the derive rule's target is a queue (kept with --data-dir, so a kill -9 loses no event) read
  // in batches: the bus hands the event over and moves on (department deliveries never wait for derivation);
  // messages of failed derivations come again, and after 3 deliveries go to the failure queue.
  const invocations = createQueueEventSource({
    sqs: options.sqs,
    queueUrl: invocationQueue?.queueUrl ?? '',
    batchSize: DERIVE_BATCH_SIZE,
    handle: async (event) => (await derive.invoke(event)) as SQSBatchResponse,
    onFailure: async (body, error) => {
      logger.error('derive failed; event kept in the failure queue', { error: error as Error });
      await send(deriveFailures, body);
    },
  });
  const drain = () => invocations.drain();

  const busRules: LocalBusRule[] = [
    {
      name: DERIVE_RULE,
      eventPattern: DERIVE_EVENT_PATTERN,
      target: (message) => invocations.send(message),
    },
    {
      name: DERIVED_EVENTS_RULE,
      eventPattern: { source: [DERIVED_SOURCE] },
      target: async (message) => {
        await inspection.send(derivedEvents, { MessageBody: message });
      },
    },
  ];

  const evaluate = async (asOf: string) => {
    await options.settle(); // everything stored so far is derived before the day is evaluated
    await drain();
    return derive.evaluateDue({ asOf });
  };
  const queryRoute = (route: { method: 'GET' | 'POST'; path: string }): LocalRoute => ({
    ...route,
    authorized: true,
    handler: (event, context) => query(event, context as SubmitterContext),
  });
  const routes: LocalRoute[] = [
    queryRoute(QUERY_ROUTES.lookup),
    queryRoute(QUERY_ROUTES.verify),
    queryRoute(QUERY_ROUTES.stats),
    queryRoute(QUERY_ROUTES.audit),
    {
      // Local only, like /_local/settle: the daily evaluation "as of" a day (default today, China date).
      method: 'POST',
      path: EVALUATE_ROUTE_PATH,
      authorized: false,
      handler: async (event) => {
        let asOf: string | undefined;
        try {
          const parsed = evaluateRequest.safeParse(event.body ? JSON.parse(event.body) : {});
          if (!parsed.success) throw new Error('invalid');
          asOf = parsed.data.asOf;
        } catch {
          const problem = new ProblemError('INVALID_REQUEST', 'Send {"asOf":"YYYY-MM-DD"} or nothing.');
          return problemResponse(problem, EVALUATE_ROUTE_PATH);
        }
        const summary = await evaluate(asOf ?? chinaDateOf(new Date().toISOString()));
        return {
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(summary),
        };
      },
    },
  ];

  const startDailyEvaluation = () => {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const schedule = () => {
      timer = setTimeout(async () => {
        try {
          await evaluate(chinaDateOf(new Date().toISOString()));
        } catch (error) {
          logger.error('daily eligibility evaluation failed', { error: error as Error });
        }
        if (!stopped) schedule();
      }, msUntilNextDailyRun(new Date()));
      timer.unref(); // never keeps the process alive on its own
    };
    schedule();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  };

  return {
    busRules,
    routes,
    queues: { derivedEvents, deriveFailures, statisticsFailures },
    drain,
    backlog: () => invocations.backlog(),
    dynamoDbRequests: () => derive.dynamoDbRequests(),
    lateReports: { config: config.lateReport, counter: new LateReportCounter(dynamoDb, tableName) },
    applications: { profiles, config: config.eligibility },
    permitNumbers,
    start() {
      const stopDerivations = invocations.start();
      const stopDailyEvaluation = startDailyEvaluation();
      return async () => {
        stopDailyEvaluation();
        stopStatistics();
        await stopDerivations();
        await derive.close();
      };
    },
  };
}
