import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { OPERATIONS_ROUTES } from '#api/operations-api.ts';
import type { Department } from '#events/subscriptions.ts';
import { FlowCounter } from '#functions/adapters/flow-counter.ts';
import type { ImportStore } from '#functions/adapters/import-store.ts';
import type { LateReportCounter } from '#functions/adapters/late-report-counter.ts';
import {
  DEFAULT_OLDEST_MESSAGE_ALARM_SECONDS,
  type WatchedQueue,
} from '#functions/adapters/queue-monitor.ts';
import type { SubmitterContext } from '#functions/http/submitter-context.ts';
import { createOperationsHandler } from '#functions/operations/handler.ts';
import type { LocalRoute } from './api-server.ts';
import { DeliveryMeter } from './delivery-meter.ts';
import type { QueueUrls } from './emulators/sqs.ts';
import { LocalQueueMonitor } from './queue-monitor.ts';

export interface LocalOperationsOptions {
  dynamoDb: DynamoDBClient;
  sqs: SQSClient;
  sqsEndpoint: string;
  tableName: string;
  /** Department → its queue and dead-letter queue. */
  queues: Readonly<Record<string, QueueUrls | undefined>>;
  lateReports: LateReportCounter;
  imports: ImportStore;
}

export interface LocalOperations {
  routes: LocalRoute[];
  /** Ingest counts each batch here (the per-minute flow counters). */
  flow: FlowCounter;
  /** The local bus reports each delivery here (deliveries of the last hour). */
  deliveries: DeliveryMeter;
}

/** The operations read API on the local hub: the same handler as on AWS, with the local queue monitor. */
export function createLocalOperations(options: LocalOperationsOptions): LocalOperations {
  const flow = new FlowCounter(options.dynamoDb, options.tableName);
  const deliveries = new DeliveryMeter();
  const queues: WatchedQueue[] = Object.entries(options.queues).flatMap(([name, urls]) =>
    urls === undefined
      ? []
      : [
          {
            name,
            // A subscriber id: the department, or its office `<department>@<division prefix>`.
            department: name.split('@')[0] as Department,
            queueUrl: urls.queueUrl,
            deadLetterQueueUrl: urls.deadLetterQueueUrl ?? '',
            oldestMessageAlarmSeconds: DEFAULT_OLDEST_MESSAGE_ALARM_SECONDS,
          },
        ],
  );
  const handler = createOperationsHandler({
    flow,
    lateReports: options.lateReports,
    imports: options.imports,
    queues,
    monitor: new LocalQueueMonitor(options.sqs, options.sqsEndpoint, deliveries),
  });
  const routes = Object.values(OPERATIONS_ROUTES).map(
    (route): LocalRoute => ({
      ...route,
      authorized: true,
      handler: (event, context) => handler(event, context as SubmitterContext),
    }),
  );
  return { routes, flow, deliveries };
}
