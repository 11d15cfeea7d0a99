import { ProfileStore } from '../adapters/profile-store.ts';
import { RecordStore } from '../adapters/record-store.ts';
import { dynamoDb } from '../runtime/clients.ts';
import { derivedConfigFromEnv } from '../runtime/derived-config.ts';
import { requiredEnv } from '../runtime/env.ts';
import { createDeriveHandler } from './handler.ts';

// Lambda entry point: configuration from the environment, read once at cold start.
const tableName = requiredEnv('TABLE_NAME');
export const handler = createDeriveHandler({
  records: new RecordStore(dynamoDb, tableName),
  profiles: new ProfileStore(dynamoDb, tableName),
  eventBusName: requiredEnv('EVENT_BUS_NAME'),
  config: derivedConfigFromEnv(),
  now: () => new Date(),
});
