import { dynamoDb } from '../shared/clients.ts';
import { derivedConfigFromEnv } from '../shared/derived-config.ts';
import { requiredEnv } from '../shared/env.ts';
import { idempotencyPersistence } from '../shared/idempotency.ts';
import { LateReportCounter } from '../shared/late-reports.ts';
import { loadPersonKeySecret } from '../shared/secrets.ts';
import { RecordStore } from '../shared/store.ts';
import { createIngestHandler } from './app.ts';

// Lambda entry point: configuration from the environment, read once at cold start.
export const handler = createIngestHandler({
  store: new RecordStore(dynamoDb, requiredEnv('TABLE_NAME')),
  personKeySecret: await loadPersonKeySecret(),
  iamSubmitters: JSON.parse(process.env.IAM_SUBMITTERS ?? '{}'),
  idempotencyStore: idempotencyPersistence(dynamoDb, requiredEnv('IDEMPOTENCY_TABLE_NAME')),
  lateReports: {
    config: derivedConfigFromEnv().lateReport,
    counter: new LateReportCounter(dynamoDb, requiredEnv('TABLE_NAME')),
  },
});
