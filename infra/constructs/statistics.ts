import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PROFILE_SK } from '#functions/adapters/profile-store.ts';
import { failureQueue } from './failure-queue.ts';
import { acknowledgeKeyUse, acknowledgeStreamListing, grantRecordTableReadWrite } from './grants.ts';
import { type FunctionSettings, HubFunction } from './hub-function.ts';

export interface StatisticsProps {
  /** The record table: its stream (new and old images) in, counter items out. */
  readonly table: dynamodb.Table;
  readonly functionSettings: FunctionSettings;
  /**
   * Stream records per invocation: the more, the fewer counter writes per person.
   * @default 1000
   */
  readonly batchSize?: number;
  /**
   * How long a shard's records are gathered before an invocation: what the statistics may lag behind.
   * @default Duration.seconds(1)
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Retries of a failing batch (halved each time) before its records go to the failure queue.
   * @default 10
   */
  readonly retryAttempts?: number;
  /** @default Duration.seconds(60) */
  readonly timeout?: Duration;
}

/**
 * functions/stats on the table's stream: the survey statistics, aggregated per batch of profile changes
 * (functions/adapters/stats-store.ts). The event source mapping only passes profile items, names the shard
 * of each batch (Lambda does so only with a tumbling window: its state is not used), reads one batch per
 * shard at a time (the counters' watermarks need it), retries failing batches by halves from the first
 * failed record, and describes the records it gave up on in an encrypted queue.
 */
export class Statistics extends Construct {
  /** Only the shard id matters; a window this long costs one extra, empty invocation per shard and window. */
  public static readonly TUMBLING_WINDOW = Duration.seconds(10);

  public readonly handler: HubFunction;
  public readonly eventSource: DynamoEventSource;
  /** Where Lambda describes stream records it gave up on (shard and sequence numbers, not the data). */
  public readonly failureQueue: sqs.Queue;
  public readonly failureQueueKey: kms.Key;

  constructor(scope: Construct, id: string, props: StatisticsProps) {
    super(scope, id);

    this.handler = new HubFunction(this, 'Handler', {
      entry: 'functions/stats/lambda.ts',
      serviceName: 'statistics',
      settings: props.functionSettings,
      timeout: props.timeout ?? Duration.seconds(60),
      environment: { TABLE_NAME: props.table.tableName },
    });
    grantRecordTableReadWrite(props.table, this.handler.role);

    ({ queue: this.failureQueue, key: this.failureQueueKey } = failureQueue(this, {
      description: 'residence-data-hub statistics failure queue',
      deadLetterOf: "the stream event source mapping's on-failure destination",
    }));
    acknowledgeKeyUse(this.handler.role, 'the failure queue');

    this.eventSource = new DynamoEventSource(props.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: props.batchSize ?? 1000,
      maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(1),
      tumblingWindow: Statistics.TUMBLING_WINDOW,
      parallelizationFactor: 1,
      bisectBatchOnError: true,
      retryAttempts: props.retryAttempts ?? 10,
      maxRecordAge: Duration.hours(24),
      reportBatchItemFailures: true,
      onFailure: new SqsDlq(this.failureQueue),
      filters: [
        lambda.FilterCriteria.filter({
          dynamodb: { Keys: { sk: { S: lambda.FilterRule.isEqual(PROFILE_SK) } } },
        }),
      ],
    });
    this.handler.function.addEventSource(this.eventSource);
    acknowledgeStreamListing(this.handler.role);
  }
}
