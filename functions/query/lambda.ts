import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { AuditStore } from '../adapters/audit-store.ts';
import { DeliveryLog } from '../adapters/delivery-log.ts';
import { RuleDeliveryMetrics } from '../adapters/delivery-metrics.ts';
import { PermitNumberIndex } from '../adapters/permit-number-index.ts';
import { ProfileStore } from '../adapters/profile-store.ts';
import { loadPersonKeySecret } from '../adapters/secrets.ts';
import { StatsStore } from '../adapters/stats-store.ts';
import { dynamoDb } from '../runtime/clients.ts';
import { derivedConfigFromEnv } from '../runtime/derived-config.ts';
import { requiredEnv } from '../runtime/env.ts';
import { createQueryHandler } from './handler.ts';

// Lambda entry point: configuration from the environment, read once at cold start.
const tableName = requiredEnv('TABLE_NAME');
export const handler = createQueryHandler({
  profiles: new ProfileStore(dynamoDb, tableName),
  permitNumbers: new PermitNumberIndex(dynamoDb, tableName),
  audit: new AuditStore(dynamoDb, tableName),
  stats: new StatsStore(dynamoDb, tableName),
  deliveries: new DeliveryLog(dynamoDb, tableName),
  deliveryMetrics: new RuleDeliveryMetrics(new CloudWatchClient({}), requiredEnv('EVENT_BUS_NAME')),
  personKeySecret: await loadPersonKeySecret(),
  config: derivedConfigFromEnv(),
  iamSubmitters: JSON.parse(process.env.IAM_SUBMITTERS ?? '{}'),
});
