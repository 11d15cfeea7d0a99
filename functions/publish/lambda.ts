import { Metrics } from '@aws-lambda-powertools/metrics';
import { countThrottledPutEvents } from '../adapters/hub-metrics.ts';
import { RecordStore } from '../adapters/record-store.ts';
import { dynamoDb, eventBridge } from '../runtime/clients.ts';
import { requiredEnv } from '../runtime/env.ts';
import { createPublishHandler } from './handler.ts';

// Lambda entry point: configuration from the environment, read once at cold start.
export const handler = createPublishHandler({
  store: new RecordStore(dynamoDb, requiredEnv('TABLE_NAME')),
  eventBridge,
  eventBusName: requiredEnv('EVENT_BUS_NAME'),
  // The namespace is POWERTOOLS_METRICS_NAMESPACE (infra sets it, and alarms on the same).
  onThrottled: countThrottledPutEvents(new Metrics()),
});
