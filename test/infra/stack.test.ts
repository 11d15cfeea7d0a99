import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROFILE_SK } from '#functions/adapters/profile-store.ts';
import { RECORD_SK } from '#functions/adapters/store-items.ts';
import { STAGES, type StageConfig } from '../../infra/config.ts';
import { type SynthesizedStage, synthesizeStage } from './synth.ts';

const stages: [string, StageConfig][] = [
  ['dev', STAGES.dev],
  ['prod', STAGES.prod],
];

const synthesized = new Map<string, SynthesizedStage>();
beforeAll(() => {
  for (const [name, config] of stages) {
    synthesized.set(name, synthesizeStage(config, { cloudFormationValidation: true }));
  }
});
const stage = (name: string): SynthesizedStage => {
  const found = synthesized.get(name);
  if (!found) throw new Error(`stage ${name} was not synthesised`);
  return found;
};

/** Every acknowledgement (suppression) recorded anywhere in the construct tree. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

/** The event-filter patterns of the stream event source mapping that invokes `functionName`. */
function filterPatterns(template: SynthesizedStage['template'], functionName: unknown): unknown[] {
  const mappings = Object.values(
    template.findResources('AWS::Lambda::EventSourceMapping', { Properties: { FunctionName: functionName } }),
  );
  expect(mappings).toHaveLength(1);
  return mappings[0]?.Properties.FilterCriteria.Filters.map((filter: { Pattern: string }) =>
    JSON.parse(filter.Pattern),
  );
}

describe.each(stages)('stage %s', (name, config) => {
  describe('partition', () => {
    it('writes no ARN with a literal partition: every ARN is built from AWS::Partition', () => {
      const { json } = stage(name);

      expect(json).not.toMatch(/arn:aws:/);
      expect(json).not.toMatch(/arn:aws-cn:/);
      expect(json).toContain('{"Ref":"AWS::Partition"}');
    });

    it('deploys to the configured region, leaving the account to CloudFormation', () => {
      const { stack } = stage(name);

      expect(stack.region).toBe(config.region);
      expect(stack.resolve(stack.account)).toEqual({ Ref: 'AWS::AccountId' });
    });
  });

  describe('synthesis-time validation', () => {
    it('cdk-nag AwsSolutions reports no unacknowledged error or warning', () => {
      expect(stage(name).nagViolations).toEqual([]);
    });

    it('no validation plugin (cdk-nag, CloudFormation schemas) reports anything', () => {
      expect(stage(name).pluginReports).toEqual([]);
    });

    it('acknowledges every finding with a reason', () => {
      const acknowledged = acknowledgements(stage(name).app);

      expect(acknowledged.length).toBeGreaterThan(0);
      for (const { id, reason } of acknowledged) {
        expect(id).toMatch(/AwsSolutions-[A-Z]+\d+/);
        expect(reason.length, `reason of ${id}`).toBeGreaterThan(30);
      }
    });
  });

  describe('RecordStore', () => {
    it('is a single pay-per-request table keyed pk/sk with the person index gsi1', () => {
      stage(name).template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
          { AttributeName: 'gsi1sk', AttributeType: 'S' },
        ]),
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      });
    });

    it('streams new and old images, recovers to a point in time, encrypts with its own rotating key', () => {
      const { template, stack, resolve } = stage(name);

      template.hasResourceProperties('AWS::DynamoDB::Table', {
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: config.pitr },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: resolve(stack.store.encryptionKey.keyArn),
        },
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        Description: 'residence-data-hub record table',
        EnableKeyRotation: true,
      });
    });

    it('protects the table against deletion as configured', () => {
      stage(name).template.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({ DeletionProtectionEnabled: config.deletionProtection }),
        DeletionPolicy: config.deletionProtection ? 'Retain' : 'Delete',
        UpdateReplacePolicy: config.deletionProtection ? 'Retain' : 'Delete',
      });
    });
  });

  describe('IngestApi', () => {
    it('routes POST /v1/records to the ingest function through a Lambda proxy integration', () => {
      const { template, stack, resolve } = stage(name);

      template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: resolve(stack.ingestApi.handler.function.functionArn),
        PayloadFormatVersion: '2.0',
      });
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /v1/records' });
    });

    it('authorises every route: no route is open', () => {
      const routes = stage(name).template.findResources('AWS::ApiGatewayV2::Route');

      expect(Object.keys(routes).length).toBeGreaterThan(0);
      for (const route of Object.values(routes)) {
        expect(route.Properties.AuthorizationType).toMatch(/^(AWS_IAM|JWT)$/);
      }
    });

    it('uses the configured authorizer', () => {
      const { template } = stage(name);
      const auth = config.ingestAuth;

      if (auth.type === 'iam') {
        template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
          RouteKey: 'POST /v1/records',
          AuthorizationType: 'AWS_IAM',
        });
      } else {
        template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
          AuthorizerType: 'JWT',
          IdentitySource: ['$request.header.Authorization'],
          JwtConfiguration: { Issuer: auth.issuer, Audience: [...auth.audience] },
        });
        template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
          RouteKey: 'POST /v1/records',
          AuthorizationType: 'JWT',
          AuthorizerId: { Ref: Match.stringLikeRegexp('SubmitterJwt') },
        });
      }
    });

    it('throttles the $default stage and writes JSON access logs to its own log group', () => {
      const { template, stack, resolve } = stage(name);

      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingRateLimit: config.ingest.rateLimit,
          ThrottlingBurstLimit: config.ingest.burstLimit,
        },
        AccessLogSettings: {
          DestinationArn: resolve(stack.ingestApi.accessLogGroup.logGroupArn),
          Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
        },
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: config.logRetentionDays });
    });

    it('runs the ingest handler on nodejs24.x with its table, secret parameter and log settings', () => {
      const { template, stack, resolve } = stage(name);

      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Timeout: config.ingest.timeoutSeconds,
        MemorySize: config.ingest.memorySize,
        Environment: {
          Variables: Match.objectLike({
            TABLE_NAME: resolve(stack.store.table.tableName),
            PERSON_KEY_SECRET_PARAMETER: config.personKeySecretParameter,
            POWERTOOLS_SERVICE_NAME: 'ingest',
            LOG_LEVEL: config.logLevel,
            // The principal → submitter map matters only when callers sign with IAM.
            IAM_SUBMITTERS:
              config.ingestAuth.type === 'iam' ? JSON.stringify(config.iamSubmitters ?? {}) : Match.absent(),
          }),
        },
        LoggingConfig: { LogGroup: resolve(stack.ingestApi.handler.logGroup.logGroupName) },
      });
    });

    it('may read the personKey secret parameter, named with the stack partition', () => {
      const { template, stack, resolve } = stage(name);

      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [resolve(stack.ingestApi.handler.role.roleName)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: Match.arrayWith(['ssm:GetParameter']),
              Resource: {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    `:ssm:${config.region}:`,
                    { Ref: 'AWS::AccountId' },
                    `:parameter${config.personKeySecretParameter}`,
                  ],
                ],
              },
            }),
          ]),
        },
      });
    });

    it('reads and writes the record table', () => {
      const { template, stack, resolve } = stage(name);

      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [resolve(stack.ingestApi.handler.role.roleName)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: Match.arrayWith(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']),
              Resource: Match.arrayWith([resolve(stack.store.table.tableArn)]),
            }),
          ]),
        },
      });
    });
  });

  describe('X-Ray', () => {
    it(config.tracing ? 'traces the functions actively' : 'does not trace (no X-Ray integration)', () => {
      const functions = stage(name).template.findResources('AWS::Lambda::Function');
      // The CDK's own custom-resource handler (bucket notifications) is not the hub's code.
      const hubFunctions = Object.values(functions).filter((fn) => fn.Properties.Environment !== undefined);

      expect(hubFunctions.length).toBeGreaterThanOrEqual(6);
      for (const fn of hubFunctions) {
        expect(fn.Properties.TracingConfig).toEqual(config.tracing ? { Mode: 'Active' } : undefined);
      }
    });
  });

  describe('Publisher', () => {
    it('consumes the table stream in bisecting, retried, partially failing batches of 100, 4 at once per shard', () => {
      const { template, stack, resolve } = stage(name);

      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: resolve(stack.store.table.tableStreamArn),
        FunctionName: resolve(stack.publisher.handler.function.functionName),
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        ParallelizationFactor: 4,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 5,
        MaximumRecordAgeInSeconds: 86400,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: resolve(stack.publisher.failureQueue.queueArn) } },
      });
    });

    it('receives only inserts and updates of record and profile items (sk = RECORD, PROFILE)', () => {
      const { template, stack, resolve } = stage(name);

      expect(filterPatterns(template, resolve(stack.publisher.handler.function.functionName))).toEqual([
        { eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { sk: { S: [RECORD_SK, PROFILE_SK] } } } },
      ]);
    });

    it('keeps failed-batch descriptions in an encrypted, SSL-only queue', () => {
      const { template, stack, resolve } = stage(name);

      template.hasResourceProperties('AWS::SQS::Queue', {
        KmsMasterKeyId: resolve(stack.publisher.failureQueueKey.keyArn),
        MessageRetentionPeriod: 1209600,
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [resolve(stack.publisher.failureQueue.queueUrl)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('runs on nodejs24.x, knows the bus and the table, and may put events on the bus', () => {
      const { template, stack, resolve } = stage(name);

      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Environment: {
          Variables: Match.objectLike({
            EVENT_BUS_NAME: resolve(stack.bus.eventBus.eventBusName),
            TABLE_NAME: resolve(stack.store.table.tableName),
            POWERTOOLS_SERVICE_NAME: 'publish',
          }),
        },
      });
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [resolve(stack.publisher.handler.role.roleName)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: 'events:PutEvents',
              Resource: resolve(stack.bus.eventBus.eventBusArn),
            }),
          ]),
        },
      });
    });
  });

  describe('Statistics', () => {
    it('aggregates the table stream in batches of 1,000, one per shard at a time, named by shard', () => {
      const { template, stack, resolve } = stage(name);

      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: resolve(stack.store.table.tableStreamArn),
        FunctionName: resolve(stack.statistics.handler.function.functionName),
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 1000,
        MaximumBatchingWindowInSeconds: 1,
        // The window only makes Lambda name each batch's shard; one batch per shard keeps watermarks in order.
        TumblingWindowInSeconds: 10,
        ParallelizationFactor: 1,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        MaximumRecordAgeInSeconds: 86400,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: resolve(stack.statistics.failureQueue.queueArn) } },
      });
    });

    it('receives only changes of profile items (sk = PROFILE), deletions included', () => {
      const { template, stack, resolve } = stage(name);

      expect(filterPatterns(template, resolve(stack.statistics.handler.function.functionName))).toEqual([
        { dynamodb: { Keys: { sk: { S: ['PROFILE'] } } } },
      ]);
    });

    it('knows the table, writes counters, keeps failed-batch descriptions encrypted, and puts no events', () => {
      const { template, stack, resolve } = stage(name);

      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Environment: {
          Variables: Match.objectLike({
            TABLE_NAME: resolve(stack.store.table.tableName),
            POWERTOOLS_SERVICE_NAME: 'statistics',
          }),
        },
      });
      template.hasResourceProperties('AWS::SQS::Queue', {
        KmsMasterKeyId: resolve(stack.statistics.failureQueueKey.keyArn),
        MessageRetentionPeriod: 1209600,
      });
      const [policy] = Object.values(
        template.findResources('AWS::IAM::Policy', {
          Properties: { Roles: [resolve(stack.statistics.handler.role.roleName)] },
        }),
      );
      const actions = JSON.stringify(policy?.Properties.PolicyDocument.Statement);
      expect(actions).toContain('dynamodb:UpdateItem');
      expect(actions).not.toContain('events:PutEvents');
    });
  });

  describe('HubBus', () => {
    it(`is the custom bus residence-data-hub-${config.stage}`, () => {
      stage(name).template.hasResourceProperties('AWS::Events::EventBus', {
        Name: `residence-data-hub-${config.stage}`,
      });
    });
  });

  describe('Monitoring', () => {
    it('alarms on any message in every dead-letter queue', () => {
      const { template, stack, resolve } = stage(name);
      const deadLetterQueues = [
        stack.publisher.failureQueue,
        stack.statistics.failureQueue,
        ...[...stack.subscriptions.queues.values()].map((inbox) => inbox.deadLetterQueue),
      ];

      for (const queue of deadLetterQueues) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: resolve(queue.queueName) }],
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 0,
          TreatMissingData: 'notBreaching',
        });
      }
    });

    it('alarms on errors of each function', () => {
      const { template, stack, resolve } = stage(name);

      const functions = [
        stack.ingestApi.handler.function,
        stack.publisher.handler.function,
        stack.statistics.handler.function,
      ];
      for (const fn of functions) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: resolve(fn.functionName) }],
          Statistic: 'Sum',
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 0,
        });
      }
    });

    it(config.alarms ? 'notifies an encrypted, SSL-only topic' : 'creates no alarm topic', () => {
      const { template, stack, resolve } = stage(name);
      const topic = stack.monitoring.topic;

      if (!config.alarms) {
        expect(topic).toBeUndefined();
        expect(template.findResources('AWS::SNS::Topic')).toEqual({});
        return;
      }
      if (!topic) throw new Error('expected an alarm topic');
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [resolve(topic.topicArn)] });
    });
  });
});

describe('a stage first deployed when the person index held every attribute', () => {
  it('keeps its index as it was: personIndexProjection all projects every attribute', () => {
    // Arrange
    const config: StageConfig = { ...STAGES.dev, personIndexProjection: 'all' };

    // Act
    const { template } = synthesizeStage(config);

    // Assess
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'gsi1', Projection: { ProjectionType: 'ALL' } }),
      ],
    });
  });
});
