import { type CfnResource, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { IMPORT_ROUTES } from '#api/import-api.ts';
import {
  ACTIVITY_PK,
  ACTIVITY_SK,
  IMPORT_RETENTION_DAYS,
  IMPORTS_ACTIVITY_INDEX,
  IMPORTS_TTL_ATTRIBUTE,
} from '#functions/adapters/import-store.ts';
import { acknowledgeKeyUse, grantRecordTableReadWrite, grantTableReadWrite } from './grants.ts';
import { type FunctionSettings, HubFunction } from './hub-function.ts';

const IMPORTS_TABLE = 'the imports table';
const ACTIVITY_INDEX = 'activity index';

export interface BulkImportProps {
  /** The record table the rows are stored in (through the ingest use case). */
  readonly table: dynamodb.Table;
  /** The HTTP API the import routes are added to, with the submissions' authorizer. */
  readonly httpApi: apigwv2.HttpApi;
  readonly authorizer: apigwv2.IHttpRouteAuthorizer;
  /** The personKey HMAC secret: every row's person is keyed as a submission's is. */
  readonly personKeySecretParameterName: string;
  readonly functionSettings: FunctionSettings;
  /** What happens to the bucket, the table and the key when they leave the stack. */
  readonly removalPolicy: RemovalPolicy;
  /**
   * Refuse `DeleteTable` until protection is switched off.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Continuous backups of the imports table.
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * Imports worked on at once (the worker's maximum concurrency on its queue, 2 to 1000).
   * @default 4
   */
  readonly maxConcurrentImports?: number;
  /**
   * Environment of the worker besides its own (the reporting deadlines of late-report flags).
   * @default - none
   */
  readonly workerEnvironment?: Readonly<Record<string, string>>;
  /**
   * IAM principal ARN → submitter map, when callers sign with SigV4.
   * @default - none (JWT callers)
   */
  readonly iamSubmitters?: Readonly<Record<string, unknown>>;
}

/**
 * Bulk import of existing registers (DESIGN.md §9):
 * - a private, KMS-encrypted, TLS-only bucket with a lifecycle rule; files arrive under `uploads/` (the API
 *   puts a request's body there, or hands out a presigned PUT URL for larger files), error reports under
 *   `reports/`; server access logs go to a log bucket of their own;
 * - the `imports` table (status, counters and error lines per import; TTL) with its keys-only activity index
 *   (imports queued or running, finished by day), which the operations API queries;
 * - `POST /v1/imports`, `GET /v1/imports/{importId}`, `GET /v1/imports/{importId}/errors` on the HTTP API;
 * - a job queue fed by the bucket's ObjectCreated notifications (`uploads/`), and by the worker itself when
 *   an import outlives one invocation; the worker (15 minutes) stores rows in chunks through the ingest use
 *   case and keeps its progress in the table, so a crash resumes where the last chunk ended.
 * Step Functions is available in both China regions (without its HTTPS task), but a file is one sequential
 * stream that must be parsed from its start (GB18030, XLSX), so a queue with a continuation message gives the
 * same resumption at a fraction of the state transitions.
 */
export class BulkImport extends Construct {
  /** The worker's timeout: Lambda's maximum. */
  public static readonly WORKER_TIMEOUT = Duration.minutes(15);

  /** Encrypts the files, the reports and the imports table. */
  public readonly key: kms.Key;
  /** Encrypts the job queue and its dead-letter queue. */
  public readonly jobsKey: kms.Key;
  public readonly bucket: s3.Bucket;
  public readonly accessLogBucket: s3.Bucket;
  public readonly table: dynamodb.Table;
  public readonly jobQueue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly apiHandler: HubFunction;
  public readonly worker: HubFunction;

  constructor(scope: Construct, id: string, props: BulkImportProps) {
    super(scope, id);
    // Files and reports are kept as long as the import items (their TTL).
    const retention = Duration.days(IMPORT_RETENTION_DAYS);

    this.key = new kms.Key(this, 'Key', {
      description: 'residence-data-hub bulk imports (files, reports, progress)',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });

    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // No ACLs: S3's log delivery is let in by a bucket policy.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.accessLogBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket holds the imports bucket’s server access logs; logging it again would recurse.',
    });
    this.bucket = new s3.Bucket(this, 'Files', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'imports/',
      lifecycleRules: [{ expiration: retention, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: props.removalPolicy,
    });

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: IMPORTS_TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? true },
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy,
    });
    // Keys only: its keys change when an import is created and when it finishes, never per chunk.
    this.table.addGlobalSecondaryIndex({
      indexName: IMPORTS_ACTIVITY_INDEX,
      partitionKey: { name: ACTIVITY_PK, type: dynamodb.AttributeType.STRING },
      sortKey: { name: ACTIVITY_SK, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    if (props.pointInTimeRecovery === false) {
      Validations.of(this.table).acknowledge({
        id: 'AwsSolutions-DDB3',
        reason: 'Point-in-time recovery is switched off by the stage configuration (disposable data).',
      });
    }

    // The job queue has a key of its own: S3 may use it for the bucket's notifications, while the bucket's
    // key names the bucket (one key for both would be a dependency cycle).
    this.jobsKey = new kms.Key(this, 'JobsKey', {
      description: 'residence-data-hub bulk import jobs',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    this.deadLetterQueue = new sqs.Queue(this, 'JobsDeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.jobsKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the import job queue.',
    });
    this.jobQueue = new sqs.Queue(this, 'Jobs', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.jobsKey,
      enforceSSL: true,
      // Lambda asks for at least six times the function's timeout; a crashed job reappears after it.
      visibilityTimeout: Duration.seconds(BulkImport.WORKER_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    });
    this.bucket.addObjectCreatedNotification(new SqsDestination(this.jobQueue), { prefix: 'uploads/' });
    // CloudFormation cannot set a bucket's notifications to a queue whose policy names the bucket (a cycle),
    // so the CDK sets them with its own custom resource, one per stack.
    const notifications = Stack.of(this).node.tryFindChild(
      'BucketNotificationsHandler050a0587b7544547bf325f094a3db834',
    );
    if (notifications) {
      Validations.of(notifications).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason:
            "The CDK's bucket-notifications custom resource; its role only writes its own logs besides.",
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            's3:PutBucketNotification of the CDK custom resource, which sets the imports bucket’s notifications.',
        },
      );
    }

    const environment = {
      IMPORTS_TABLE_NAME: this.table.tableName,
      IMPORTS_BUCKET_NAME: this.bucket.bucketName,
    };
    this.apiHandler = new HubFunction(this, 'ApiHandler', {
      entry: 'functions/imports/lambda.ts',
      serviceName: 'imports',
      settings: props.functionSettings,
      timeout: Duration.seconds(29),
      // A request's file (up to 10 MB) is read whole, once, to refuse a bad one before it is stored.
      memorySize: 1024,
      environment: {
        ...environment,
        ...(props.iamSubmitters === undefined ? {} : { IAM_SUBMITTERS: JSON.stringify(props.iamSubmitters) }),
      },
    });
    grantTableReadWrite(this.table, this.apiHandler.role, IMPORTS_TABLE, ACTIVITY_INDEX);
    // Stores a request's file and presigns uploads (uploads/), writes and presigns large reports (reports/).
    this.grantObjects(
      this.apiHandler.role,
      ['uploads/*', 'reports/*'],
      ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload'],
    );
    const integration = new HttpLambdaIntegration('Imports', this.apiHandler.function);
    for (const route of Object.values(IMPORT_ROUTES)) {
      props.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: props.authorizer,
      });
    }

    this.worker = new HubFunction(this, 'Worker', {
      entry: 'functions/imports/worker-lambda.ts',
      serviceName: 'import-worker',
      settings: props.functionSettings,
      timeout: BulkImport.WORKER_TIMEOUT,
      memorySize: 2048,
      environment: {
        ...environment,
        TABLE_NAME: props.table.tableName,
        IMPORT_JOBS_QUEUE_URL: this.jobQueue.queueUrl,
        PERSON_KEY_SECRET_PARAMETER: props.personKeySecretParameterName,
        ...props.workerEnvironment,
      },
    });
    grantRecordTableReadWrite(props.table, this.worker.role);
    grantTableReadWrite(this.table, this.worker.role, IMPORTS_TABLE, ACTIVITY_INDEX);
    this.grantObjects(this.worker.role, ['uploads/*'], ['s3:GetObject']);
    this.jobQueue.grantSendMessages(this.worker.role);
    acknowledgeKeyUse(this.worker.role, 'the import job queue');
    ssm.StringParameter.fromSecureStringParameterAttributes(this, 'PersonKeySecret', {
      parameterName: props.personKeySecretParameterName,
    }).grantRead(this.worker.function);
    this.worker.function.addEventSource(
      new SqsEventSource(this.jobQueue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrentImports ?? 4,
      }),
    );
  }

  /**
   * Object actions under the given prefixes, s3:ListBucket (so a missing file is a 404, not a 403) and the
   * key, each finding acknowledged with its reason: objects are named by import id at run time.
   */
  private grantObjects(role: iam.Role, prefixes: readonly string[], actions: readonly string[]): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...actions],
        resources: prefixes.map((p) => this.bucket.arnForObjects(p)),
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
    this.key.grantEncryptDecrypt(role);
    acknowledgeKeyUse(role, 'the bulk imports');
    const bucketId = Stack.of(this).resolve((this.bucket.node.defaultChild as CfnResource).logicalId);
    for (const prefix of prefixes) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}]`,
        reason: `Objects under ${prefix} of the imports bucket alone; each is named by an import id at run time.`,
      });
    }
  }
}
