import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { contributionDelta, statsContribution } from '#domain/stats.ts';
import type { SequencedDelta, StatsStore } from '../adapters/stats-store.ts';
import { logger } from '../runtime/logger.ts';
import { profileChanges } from './profile-changes.ts';

/**
 * A batch of the table's stream as Lambda hands it over when the event source mapping has a tumbling
 * window: the records plus the shard they come from (Lambda names the shard only in that mode; the
 * statistics keep one watermark per shard, so they need it). The window's state is not used.
 */
export interface ShardBatchEvent extends DynamoDBStreamEvent {
  shardId: string;
  window?: { start: string; end: string };
  state?: Record<string, string>;
  isFinalInvokeForWindow?: boolean;
  isWindowTerminatedEarly?: boolean;
}

/** A windowed stream handler must answer with a state (empty here) besides its failures. */
export interface ShardBatchResponse extends DynamoDBBatchResponse {
  state: Record<string, string>;
}

export interface StatsHandlerDeps {
  stats: Pick<StatsStore, 'applyBatch'>;
}

/**
 * Survey statistics from the table's stream (DESIGN.md §8 "materialized aggregation"): each profile change
 * in the batch becomes the delta between the person's contribution before and after it (domain/stats.ts),
 * and the store adds the batch's deltas with one conditional write per touched counter item, exactly once
 * per record whatever is retried (functions/adapters/stats-store.ts). A record whose image cannot be read is
 * reported as failed, after the records before it are counted; a failed write fails the whole batch (the
 * store's watermarks make the retry add only what is missing).
 */
export function createStatsHandler(deps: StatsHandlerDeps) {
  const handle = async (event: ShardBatchEvent): Promise<ShardBatchResponse> => {
    if (typeof event.shardId !== 'string' || event.shardId === '') {
      throw new Error('stream batch without shardId: the event source mapping needs a tumbling window');
    }
    const { changes, unreadable } = profileChanges(event.Records);
    const deltas: SequencedDelta[] = [];
    for (const change of changes) {
      const delta = contributionDelta(statsContribution(change.before), statsContribution(change.after));
      if (delta.size > 0) deltas.push({ sequenceNumber: change.sequenceNumber, delta });
    }
    const outcome = await deps.stats.applyBatch(event.shardId, deltas);
    logger.debug('statistics batch applied', {
      records: event.Records.length,
      profileChanges: changes.length,
      counted: deltas.length,
      ...outcome,
      ...(unreadable && { unreadable }),
    });
    if (unreadable)
      logger.error('profile image unreadable; reported as failed', { sequenceNumber: unreadable });
    return { state: {}, batchItemFailures: unreadable ? [{ itemIdentifier: unreadable }] : [] };
  };
  return middy<ShardBatchEvent, ShardBatchResponse>().handler(handle);
}
