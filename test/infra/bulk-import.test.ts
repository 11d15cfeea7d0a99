import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { IMPORT_ROUTES } from '#api/import-api.ts';
import { IMPORTS_TABLE } from '#local/emulators/table-definition.ts';
import { STAGES, type StageConfig } from '../../infra/config.ts';
import { BulkImport } from '../../infra/constructs/bulk-import.ts';
import { synthesizedStages } from './synth.ts';

const stages: [string, StageConfig][] = [
  ['dev', STAGES.dev],
  ['prod', STAGES.prod],
];

const stage = synthesizedStages(stages);

it('keeps import items as the local hub’s table does', () => {
  expect(IMPORTS_TABLE).toMatchObject({
    partitionKey: { name: 'pk' },
    sortKey: { name: 'sk' },
    timeToLiveAttribute: 'expiresAt',
    globalSecondaryIndexes: [
      {
        indexName: 'activity',
        partitionKey: { name: 'activityPk', type: 'S' },
        sortKey: { name: 'activitySk', type: 'S' },
        projection: 'KEYS_ONLY',
      },
    ],
  });
});

describe.each(stages)('stage %s: BulkImport', (name, config) => {
  it('keeps files in a private, KMS-encrypted, TLS-only, access-logged bucket that forgets them', () => {
    const { template, stack, resolve } = stage(name);
    const bucketId = (resolve(stack.imports.bucket.bucketName) as { Ref: string }).Ref;

    expect(template.toJSON().Resources[bucketId].Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: resolve(stack.imports.key.keyArn),
            },
            BucketKeyEnabled: true,
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: [
          {
            ExpirationInDays: 30,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            Status: 'Enabled',
          },
        ],
      },
      LoggingConfiguration: { DestinationBucketName: resolve(stack.imports.accessLogBucket.bucketName) },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('tells the job queue when a file lands under uploads/, and retries a failing job before its dead-letter queue', () => {
    const { template, stack, resolve } = stage(name);

    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: resolve(stack.imports.bucket.bucketName),
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'uploads/' }] } },
            QueueArn: resolve(stack.imports.jobQueue.queueArn),
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: resolve(stack.imports.jobsKey.keyArn),
      VisibilityTimeout: 6 * BulkImport.WORKER_TIMEOUT.toSeconds(),
      RedrivePolicy: {
        deadLetterTargetArn: resolve(stack.imports.deadLetterQueue.queueArn),
        maxReceiveCount: 3,
      },
    });
  });

  it('runs the worker for 15 minutes on one job at a time per invocation, with partial batch failures', () => {
    const { template, stack, resolve } = stage(name);

    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: resolve(stack.imports.jobQueue.queueArn),
      FunctionName: resolve(stack.imports.worker.function.functionName),
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 4 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Timeout: 900,
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'import-worker',
          IMPORTS_TABLE_NAME: resolve(stack.imports.table.tableName),
          IMPORTS_BUCKET_NAME: resolve(stack.imports.bucket.bucketName),
          IMPORT_JOBS_QUEUE_URL: resolve(stack.imports.jobQueue.queueUrl),
          TABLE_NAME: resolve(stack.store.table.tableName),
        }),
      },
    });
  });

  it('keeps progress in a KMS-encrypted table with TTL, protected as the stage says', () => {
    const { template, stack, resolve } = stage(name);
    const tableId = (resolve(stack.imports.table.tableName) as { Ref: string }).Ref;

    expect(template.toJSON().Resources[tableId].Properties).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: resolve(stack.imports.key.keyArn),
      },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: config.pitr },
      DeletionProtectionEnabled: config.deletionProtection,
    });
  });

  it('lists imports active or finished by day in a keys-only index, which per-chunk updates do not write', () => {
    const { template, stack, resolve } = stage(name);
    const tableId = (resolve(stack.imports.table.tableName) as { Ref: string }).Ref;

    expect(template.toJSON().Resources[tableId].Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'activity',
        KeySchema: [
          { AttributeName: 'activityPk', KeyType: 'HASH' },
          { AttributeName: 'activitySk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ]);
  });

  it('puts the import routes behind the submissions’ authorizer', () => {
    const { template } = stage(name);
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);

    for (const route of Object.values(IMPORT_ROUTES)) {
      const deployed = routes.find((r) => r.RouteKey === `${route.method} ${route.path}`);
      expect(deployed?.AuthorizationType, route.path).toBe(
        config.ingestAuth.type === 'iam' ? 'AWS_IAM' : 'JWT',
      );
    }
  });

  it('lets the worker read uploads only, and the API write uploads and reports only', () => {
    const { template, stack, resolve } = stage(name);
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const statementsOf = (role: unknown) =>
      policies
        .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([role]))
        .flatMap(
          (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
        );
    const objectStatements = (role: unknown) =>
      statementsOf(role).filter((s) =>
        [s.Action].flat().some((a) => a.startsWith('s3:') && a !== 's3:ListBucket'),
      );
    const bucketArn = resolve(stack.imports.bucket.bucketArn);
    const under = (prefix: string) => ({ 'Fn::Join': ['', [bucketArn, `/${prefix}`]] });

    const grants = (role: unknown) =>
      objectStatements(role).map((st) => ({
        actions: [st.Action].flat().sort(),
        resources: [st.Resource]
          .flat()
          .map((r) => JSON.stringify(r))
          .sort(),
      }));

    expect(grants(resolve(stack.imports.worker.role.roleName))).toStrictEqual([
      { actions: ['s3:GetObject'], resources: [JSON.stringify(under('uploads/*'))] },
    ]);
    expect(grants(resolve(stack.imports.apiHandler.role.roleName))).toStrictEqual([
      {
        actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        resources: [JSON.stringify(under('reports/*')), JSON.stringify(under('uploads/*'))],
      },
    ]);
  });
});
