import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PROFILE_SK } from '#functions/adapters/profile-store.ts';
import { RECORD_SK } from '#functions/adapters/store-items.ts';
import { failureQueue } from './failure-queue.ts';
import { acknowledgeKeyUse, acknowledgeStreamListing, grantRecordTableReadWrite } from './grants.ts';
import { type FunctionSettings, HubFunction } from './hub-function.ts';

export interface PublisherProps {
  /** The record table (stream with new and old images); the publisher also writes history items to it. */
  readonly table: dynamodb.Table;
  /** The bus change events are put on. */
  readonly eventBus: events.IEventBus;
  readonly functionSettings: FunctionSettings;
  /**
   * Stream records per invocation.
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * Retries of a failing batch (halved each time) before its records go to the failure queue.
   * @default 5
   */
  readonly retryAttempts?: number;
  /**
   * Oldest stream record still worth retrying; older ones go to the failure queue.
   * @default Duration.hours(24) (the stream's own retention)
   */
  readonly maxRecordAge?: Duration;
  /** @default Duration.seconds(60) */
  readonly timeout?: Duration;
}

/**
 * functions/publish on the table's stream: one change event per committed change of a record item.
 * Failing records are retried by halves, reported one by one, and finally described in an encrypted queue.
 */
export class Publisher extends Construct {
  /**
   * Batches of a stream shard handled at once, each record's partition key (a record, a person) always in the
   * same one and in order: one batch at a time would cap a shard at what one invocation publishes, below
   * what a shard takes in during a bulk load.
   */
  public static readonly PARALLELIZATION_FACTOR = 4;
  public readonly handler: HubFunction;
  public readonly eventSource: DynamoEventSource;
  /** Where Lambda describes stream records it gave up on (shard and sequence numbers, not the data). */
  public readonly failureQueue: sqs.Queue;
  public readonly failureQueueKey: kms.Key;

  constructor(scope: Construct, id: string, props: PublisherProps) {
    super(scope, id);

    this.handler = new HubFunction(this, 'Handler', {
      entry: 'functions/publish/lambda.ts',
      serviceName: 'publish',
      settings: props.functionSettings,
      timeout: props.timeout ?? Duration.seconds(60),
      environment: { TABLE_NAME: props.table.tableName, EVENT_BUS_NAME: props.eventBus.eventBusName },
    });
    grantRecordTableReadWrite(props.table, this.handler.role);
    props.eventBus.grantPutEventsTo(this.handler.function);

    ({ queue: this.failureQueue, key: this.failureQueueKey } = failureQueue(this, {
      description: 'residence-data-hub publisher failure queue',
      deadLetterOf: "the stream event source mapping's on-failure destination",
    }));
    acknowledgeKeyUse(this.handler.role, 'the failure queue');

    this.eventSource = new DynamoEventSource(props.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: props.batchSize ?? 100,
      parallelizationFactor: Publisher.PARALLELIZATION_FACTOR,
      bisectBatchOnError: true,
      retryAttempts: props.retryAttempts ?? 5,
      maxRecordAge: props.maxRecordAge ?? Duration.hours(24),
      reportBatchItemFailures: true,
      onFailure: new SqsDlq(this.failureQueue),
      filters: [
        // Only writes of a record's current item (change events) and of a profile (its derived events) are
        // published; history items, counters and deletions never are.
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.or('INSERT', 'MODIFY'),
          dynamodb: { Keys: { sk: { S: lambda.FilterRule.or(RECORD_SK, PROFILE_SK) } } },
        }),
      ],
    });
    this.handler.function.addEventSource(this.eventSource);
    acknowledgeStreamListing(this.handler.role);
  }
}
