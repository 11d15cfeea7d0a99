import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../runtime/logger.ts';
import { type PublishDeps, publishChanges, type StreamBatchResponse } from './publish-changes.ts';

/**
 * The table's stream → history entries and change events (DESIGN.md §1, §5 Events), and the derived events
 * of each new profile version.
 */
export function createPublishHandler(deps: PublishDeps) {
  const publish = async (event: DynamoDBStreamEvent): Promise<StreamBatchResponse> => {
    const response = await publishChanges(event.Records, deps);
    logger.info('stream batch published', {
      records: event.Records.length,
      failed: response.batchItemFailures.length,
    });
    return response;
  };
  return middy<DynamoDBStreamEvent, StreamBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(publish);
}
