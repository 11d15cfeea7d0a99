import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SQSClient } from '@aws-sdk/client-sqs';
import { FlowCounter } from '../adapters/flow-counter.ts';
import { ImportStore } from '../adapters/import-store.ts';
import { LateReportCounter } from '../adapters/late-report-counter.ts';
import { AwsQueueMonitor, type WatchedQueue } from '../adapters/queue-monitor.ts';
import { dynamoDb } from '../runtime/clients.ts';
import { requiredEnv } from '../runtime/env.ts';
import { createOperationsHandler } from './handler.ts';

// Lambda entry point: configuration from the environment, read once at cold start.
const tableName = requiredEnv('TABLE_NAME');
export const handler = createOperationsHandler({
  flow: new FlowCounter(dynamoDb, tableName),
  lateReports: new LateReportCounter(dynamoDb, tableName),
  imports: new ImportStore(dynamoDb, requiredEnv('IMPORTS_TABLE_NAME')),
  queues: JSON.parse(requiredEnv('SUBSCRIBER_QUEUES')) as WatchedQueue[],
  monitor: new AwsQueueMonitor(new SQSClient({}), new CloudWatchClient({})),
  iamSubmitters: JSON.parse(process.env.IAM_SUBMITTERS ?? '{}'),
});
