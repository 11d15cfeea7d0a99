import { dynamoDb } from '../shared/clients.ts';
import { requiredEnv } from '../shared/env.ts';
import { loadPersonKeySecret } from '../shared/secrets.ts';
import { RecordStore } from '../shared/store.ts';
import { createIngestHandler } from './app.ts';

// Lambda entry point: configuration from the environment, read once at cold start.
export const handler = createIngestHandler({
  store: new RecordStore(dynamoDb, requiredEnv('TABLE_NAME')),
  personKeySecret: await loadPersonKeySecret(),
  iamSubmitters: JSON.parse(process.env.IAM_SUBMITTERS ?? '{}'),
});
