import { Duration, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RECORD_SK } from '#functions/adapters/store-items.ts';
import { acknowledgeKeyUse, grantRecordTableReadWrite } from './grants.ts';
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

    this.failureQueueKey = new kms.Key(this, 'FailureQueueKey', {
      description: 'residence-data-hub publisher failure queue',
      enableKeyRotation: true,
    });
    this.failureQueue = new sqs.Queue(this, 'FailureQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.failureQueueKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeKeyUse(this.handler.role, 'the failure queue');
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself a dead-letter queue: the stream event source mapping's on-failure destination.",
    });

    this.eventSource = new DynamoEventSource(props.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: props.batchSize ?? 100,
      bisectBatchOnError: true,
      retryAttempts: props.retryAttempts ?? 5,
      maxRecordAge: props.maxRecordAge ?? Duration.hours(24),
      reportBatchItemFailures: true,
      onFailure: new SqsDlq(this.failureQueue),
      filters: [
        // Only writes of a record's current item become events; history items and deletions never do.
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.or('INSERT', 'MODIFY'),
          dynamodb: { Keys: { sk: { S: lambda.FilterRule.isEqual(RECORD_SK) } } },
        }),
      ],
    });
    this.handler.function.addEventSource(this.eventSource);

    Validations.of(this.handler.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams has no resource-level permissions (Lambda event source mapping requirement)' +
        '; X-Ray trace upload neither, when tracing is on.',
    });
  }
}
