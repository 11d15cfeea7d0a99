import { Duration, Validations } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { QUERY_ROUTES } from '#api/query-api.ts';
import { type DerivedOverrides, derivedConfigEnvironment } from '#domain/config.ts';
import { DERIVE_EVENT_PATTERN } from '../../events/index.ts';
import { addAuthorizedRoutes } from './api-routes.ts';
import { failureQueue } from './failure-queue.ts';
import { acknowledgeKeyUse, grantRecordTableReadWrite } from './grants.ts';
import { type FunctionSettings, HubFunction } from './hub-function.ts';

export interface DerivedServicesProps {
  /** The shared table: records are read, profiles, counters and audit entries written. */
  readonly table: dynamodb.Table;
  /** The hub bus: change events in (the derive rule); derived events reach it through the publisher. */
  readonly eventBus: events.IEventBus;
  /** The HTTP API the department queries are added to, with the submissions' authorizer. */
  readonly httpApi: apigwv2.HttpApi;
  readonly authorizer: apigwv2.IHttpRouteAuthorizer;
  /** The personKey HMAC secret: the look-up turns the ID number it is sent into a personKey. */
  readonly personKeySecretParameterName: string;
  readonly functionSettings: FunctionSettings;
  /**
   * Overrides of the eligibility rules, reporting deadlines and coordinator ratio (domain/config.ts).
   * @default - the domain defaults
   */
  readonly config?: DerivedOverrides;
  /**
   * IAM principal ARN → submitter (with `department`, `audit`) when callers sign with SigV4.
   * @default - none (JWT callers)
   */
  readonly iamSubmitters?: Readonly<Record<string, unknown>>;
}

/**
 * The derived services (README "Derived services"):
 * - `derive` function behind a rule on the hub bus (every record event with a personKey, the whole event as
 *   input) whose target is a queue read in batches of 100, plus a daily schedule rule at 00:05 China time (cron 16:05 UTC) for the time-driven eligibility
 *   evaluation. EventBridge Scheduler is not confirmed in the China regions, so the schedule is a classic
 *   EventBridge schedule-expression rule (on the default bus, where schedule rules live), which is.
 * - `query` function behind `POST /v1/persons/lookup`, `GET /v1/stats`, `GET /v1/audit`, `GET /v1/deliveries`
 *   (the delivery log, which reads the subscriber rules' CloudWatch metrics), on the same HTTP API
 *   and authorizer as submissions.
 * Failed deliveries, dead-lettered queue messages and failed asynchronous invocations end in one encrypted
 * failure queue.
 */
export class DerivedServices extends Construct {
  /** Queued change events per derive invocation. */
  public static readonly DERIVE_BATCH_SIZE = 100;
  /** 00:05 in China (UTC+8, no daylight saving) is 16:05 UTC the day before. */
  public static readonly DAILY_SCHEDULE = events.Schedule.cron({ minute: '5', hour: '16' });

  public readonly deriveHandler: HubFunction;
  public readonly queryHandler: HubFunction;
  public readonly deriveRule: events.Rule;
  /** The derive rule's target: change events wait here and reach `derive` in batches. */
  public readonly deriveQueue: sqs.Queue;
  public readonly dailyEvaluationRule: events.Rule;
  /**
   * Events EventBridge could not deliver, queued events that failed all their deliveries, and scheduled
   * invocations that failed all their retries.
   */
  public readonly failureQueue: sqs.Queue;
  public readonly failureQueueKey: kms.Key;

  constructor(scope: Construct, id: string, props: DerivedServicesProps) {
    super(scope, id);
    const configEnvironment = derivedConfigEnvironment(props.config);

    ({ queue: this.failureQueue, key: this.failureQueueKey } = failureQueue(this, {
      description: 'residence-data-hub derive failure queue',
      deadLetterOf: 'the derive rules, the derive queue and the function’s async invocations',
    }));
    // EventBridge writes undeliverable events to the queue under its own service identity.
    this.failureQueueKey.grant(
      new iam.ServicePrincipal('events.amazonaws.com'),
      'kms:GenerateDataKey',
      'kms:Decrypt',
    );

    this.deriveHandler = new HubFunction(this, 'DeriveHandler', {
      entry: 'functions/derive/lambda.ts',
      serviceName: 'derive',
      settings: props.functionSettings,
      // The daily evaluation may re-evaluate many profiles.
      timeout: Duration.minutes(5),
      environment: {
        TABLE_NAME: props.table.tableName,
        EVENT_BUS_NAME: props.eventBus.eventBusName,
        ...configEnvironment,
      },
    });
    grantRecordTableReadWrite(props.table, this.deriveHandler.role);
    this.deriveHandler.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.failureQueue),
    });
    acknowledgeKeyUse(this.deriveHandler.role, 'the derive failure queue');

    // Change events queue up and are derived in batches: a bulk load is not a Lambda invocation per record,
    // and a batch reads its people's profiles and records together. A message comes back after the
    // visibility timeout (six times the function's, as AWS advises) and after 3 deliveries is dead-lettered.
    this.deriveQueue = new sqs.Queue(this, 'DeriveQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.failureQueueKey,
      enforceSSL: true,
      visibilityTimeout: Duration.minutes(30),
      deadLetterQueue: { queue: this.failureQueue, maxReceiveCount: 3 },
    });
    this.deriveHandler.function.addEventSource(
      new SqsEventSource(this.deriveQueue, {
        batchSize: DerivedServices.DERIVE_BATCH_SIZE,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
      }),
    );
    this.deriveRule = new events.Rule(this, 'DeriveRule', {
      eventBus: props.eventBus,
      description: 'Every record change event about a person → derive (profile, eligibility, points)',
      eventPattern: DERIVE_EVENT_PATTERN,
      targets: [
        new targets.SqsQueue(this.deriveQueue, {
          deadLetterQueue: this.failureQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
    this.dailyEvaluationRule = new events.Rule(this, 'DailyEvaluationRule', {
      description: 'Daily permit eligibility evaluation at 00:05 China time (time alone changes eligibility)',
      schedule: DerivedServices.DAILY_SCHEDULE,
      targets: [
        new targets.LambdaFunction(this.deriveHandler.function, {
          deadLetterQueue: this.failureQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });

    this.queryHandler = new HubFunction(this, 'QueryHandler', {
      entry: 'functions/query/lambda.ts',
      serviceName: 'query',
      settings: props.functionSettings,
      timeout: Duration.seconds(10),
      environment: {
        TABLE_NAME: props.table.tableName,
        EVENT_BUS_NAME: props.eventBus.eventBusName,
        PERSON_KEY_SECRET_PARAMETER: props.personKeySecretParameterName,
        ...(props.iamSubmitters === undefined ? {} : { IAM_SUBMITTERS: JSON.stringify(props.iamSubmitters) }),
        ...configEnvironment,
      },
    });
    // Reads profiles and counters, appends audit entries.
    grantRecordTableReadWrite(props.table, this.queryHandler.role);
    // The delivery log reads the subscriber rules' metrics; GetMetricData has no resource-level permissions.
    this.queryHandler.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
    );
    Validations.of(this.queryHandler.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'cloudwatch:GetMetricData supports no resource-level permissions; it reads metrics only.',
    });
    ssm.StringParameter.fromSecureStringParameterAttributes(this, 'PersonKeySecret', {
      parameterName: props.personKeySecretParameterName,
    }).grantRead(this.queryHandler.function);
    addAuthorizedRoutes(
      props.httpApi,
      props.authorizer,
      QUERY_ROUTES,
      new HttpLambdaIntegration('Query', this.queryHandler.function),
    );
  }
}
