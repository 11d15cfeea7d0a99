import { AuditStore } from '../shared/audit-store.ts';
import { dynamoDb } from '../shared/clients.ts';
import { derivedConfigFromEnv } from '../shared/derived-config.ts';
import { requiredEnv } from '../shared/env.ts';
import { ProfileStore } from '../shared/profile-store.ts';
import { loadPersonKeySecret } from '../shared/secrets.ts';
import { StatsStore } from '../shared/stats-store.ts';
import { createQueryHandler } from './app.ts';

// Lambda entry point: configuration from the environment, read once at cold start.
const tableName = requiredEnv('TABLE_NAME');
export const handler = createQueryHandler({
  profiles: new ProfileStore(dynamoDb, tableName),
  audit: new AuditStore(dynamoDb, tableName),
  stats: new StatsStore(dynamoDb, tableName),
  personKeySecret: await loadPersonKeySecret(),
  config: derivedConfigFromEnv(),
  iamSubmitters: JSON.parse(process.env.IAM_SUBMITTERS ?? '{}'),
});
