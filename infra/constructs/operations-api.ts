import { Duration, Validations } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OPERATIONS_ROUTES } from '#api/operations-api.ts';
import type { Department } from '#events/subscriptions.ts';
import type { WatchedQueue } from '#functions/adapters/queue-monitor.ts';
import { addAuthorizedRoutes } from './api-routes.ts';
import { grantRecordTableRead, grantTableRead } from './grants.ts';
import { type FunctionSettings, HubFunction } from './hub-function.ts';

/** A subscriber's inbox as the operations function watches it. */
export interface SubscriberInbox {
  readonly name: string;
  readonly department: Department;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** Oldest message age beyond which the subscriber is in backlog (the same as its alarm). */
  readonly oldestMessageAlarm: Duration;
}

export interface OperationsApiProps {
  /** The shared table: the flow counters and the late-report index are read from it. */
  readonly table: dynamodb.Table;
  /** The HTTP API the routes are added to, with the submissions' authorizer. */
  readonly httpApi: apigwv2.HttpApi;
  readonly authorizer: apigwv2.IHttpRouteAuthorizer;
  readonly subscribers: readonly SubscriberInbox[];
  /** The imports table: its activity index and status items are read (imports in progress). */
  readonly importsTable: dynamodb.Table;
  readonly functionSettings: FunctionSettings;
  /**
   * IAM principal ARN → submitter (with `department`, `audit`) when callers sign with SigV4.
   * @default - none (JWT callers)
   */
  readonly iamSubmitters?: Readonly<Record<string, unknown>>;
}

/**
 * The operations read API (README "Operations: the console and its API"): `GET /v1/flow`, `/v1/late-reports`,
 * `/v1/import-activity`, `/v1/subscribers`, `/v1/divisions` on the submissions' HTTP API and authorizer, backed by
 * functions/operations. It reads the record table, the imports table, the subscribers' queue attributes and two
 * CloudWatch metrics of each queue; nothing else.
 */
export class OperationsApi extends Construct {
  public readonly handler: HubFunction;

  constructor(scope: Construct, id: string, props: OperationsApiProps) {
    super(scope, id);
    const watched: WatchedQueue[] = props.subscribers.map((s) => ({
      name: s.name,
      department: s.department,
      queueUrl: s.queue.queueUrl,
      deadLetterQueueUrl: s.deadLetterQueue.queueUrl,
      oldestMessageAlarmSeconds: s.oldestMessageAlarm.toSeconds(),
    }));
    this.handler = new HubFunction(this, 'Handler', {
      entry: 'functions/operations/lambda.ts',
      serviceName: 'operations',
      settings: props.functionSettings,
      timeout: Duration.seconds(10),
      environment: {
        TABLE_NAME: props.table.tableName,
        IMPORTS_TABLE_NAME: props.importsTable.tableName,
        SUBSCRIBER_QUEUES: JSON.stringify(watched),
        ...(props.iamSubmitters === undefined ? {} : { IAM_SUBMITTERS: JSON.stringify(props.iamSubmitters) }),
      },
    });
    grantRecordTableRead(props.table, this.handler.role);
    grantTableRead(props.importsTable, this.handler.role, 'the imports table', 'activity index');
    this.handler.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:GetQueueAttributes'],
        resources: props.subscribers.flatMap((s) => [s.queue.queueArn, s.deadLetterQueue.queueArn]),
      }),
    );
    // GetMetricData has no resource-level permissions (CloudWatch's service authorization reference).
    this.handler.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
    );
    Validations.of(this.handler.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudwatch:GetMetricData supports no resource-level permissions; it reads the queues’ oldest-message ' +
        'age and deliveries (and, with tracing on, X-Ray upload needs * too).',
    });
    addAuthorizedRoutes(
      props.httpApi,
      props.authorizer,
      OPERATIONS_ROUTES,
      new HttpLambdaIntegration('Operations', this.handler.function),
    );
  }
}
