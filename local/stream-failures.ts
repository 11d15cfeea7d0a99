import type { DeliveryFailure } from './emulators/change-feed.ts';

/**
 * What Lambda puts in a stream event source mapping's on-failure destination: where the records were in the
 * stream and why they were given up, never the records themselves.
 */
export function streamFailureMessage({
  records,
  error,
  attempts,
  shardId,
}: DeliveryFailure & { shardId?: string }): string {
  return JSON.stringify({
    requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: attempts },
    DDBStreamBatchInfo: {
      ...(shardId && { shardId }),
      startSequenceNumber: records[0]?.dynamodb?.SequenceNumber,
      endSequenceNumber: records.at(-1)?.dynamodb?.SequenceNumber,
      batchSize: records.length,
    },
    error: (error as Error).message ?? String(error),
  });
}
