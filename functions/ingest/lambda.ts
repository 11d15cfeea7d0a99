import { Metrics } from '@aws-lambda-powertools/metrics';
import { FlowCounter } from '../adapters/flow-counter.ts';
import { FlowMetrics } from '../adapters/hub-metrics.ts';
import { idempotencyPersistence } from '../adapters/idempotency-store.ts';
import { LateReportCounter } from '../adapters/late-report-counter.ts';
import { PermitNumberIndex } from '../adapters/permit-number-index.ts';
import { ProfileStore } from '../adapters/profile-store.ts';
import { RecordStore } from '../adapters/record-store.ts';
import { loadPersonKeySecret } from '../adapters/secrets.ts';
import { dynamoDb } from '../runtime/clients.ts';
import { derivedConfigFromEnv } from '../runtime/derived-config.ts';
import { requiredEnv } from '../runtime/env.ts';
import { createIngestHandler } from './handler.ts';

// Lambda entry point: configuration from the environment, read once at cold start.
const tableName = requiredEnv('TABLE_NAME');
const config = derivedConfigFromEnv();
export const handler = createIngestHandler({
  store: new RecordStore(dynamoDb, tableName),
  personKeySecret: await loadPersonKeySecret(),
  iamSubmitters: JSON.parse(process.env.IAM_SUBMITTERS ?? '{}'),
  idempotencyStore: idempotencyPersistence(dynamoDb, requiredEnv('IDEMPOTENCY_TABLE_NAME')),
  lateReports: { config: config.lateReport, counter: new LateReportCounter(dynamoDb, tableName) },
  applications: { profiles: new ProfileStore(dynamoDb, tableName), config: config.eligibility },
  permitNumbers: new PermitNumberIndex(dynamoDb, tableName),
  // The namespace is POWERTOOLS_METRICS_NAMESPACE (infra sets it, and reads the same on the dashboard).
  flow: [new FlowCounter(dynamoDb, tableName), new FlowMetrics(new Metrics())],
});
