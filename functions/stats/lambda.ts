import { StatsStore } from '../adapters/stats-store.ts';
import { dynamoDb } from '../runtime/clients.ts';
import { requiredEnv } from '../runtime/env.ts';
import { createStatsHandler } from './handler.ts';

// Lambda entry point: configuration from the environment, read once at cold start.
export const handler = createStatsHandler({ stats: new StatsStore(dynamoDb, requiredEnv('TABLE_NAME')) });
