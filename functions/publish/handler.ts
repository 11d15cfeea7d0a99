import { dynamoDb, eventBridge } from '../shared/clients.ts';
import { requiredEnv } from '../shared/env.ts';
import { RecordStore } from '../shared/store.ts';
import { createPublishHandler } from './app.ts';

// Lambda entry point: configuration from the environment, read once at cold start.
export const handler = createPublishHandler({
  store: new RecordStore(dynamoDb, requiredEnv('TABLE_NAME')),
  eventBridge,
  eventBusName: requiredEnv('EVENT_BUS_NAME'),
});
