import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { STAGES, type StageConfig } from '../../infra/config.ts';
import { type SynthesizedStage, synthesizeStage } from './synth.ts';

const withOverrides: StageConfig = {
  ...STAGES.dev,
  derived: { lateReportDeadlineDays: { tenancy: 5 }, eligibility: { residenceArea: 'county' } },
};

const stages: [string, StageConfig][] = [
  ['dev', STAGES.dev],
  ['prod', STAGES.prod],
  ['dev-with-overrides', withOverrides],
];

const synthesized = new Map<string, SynthesizedStage>();
beforeAll(() => {
  for (const [name, config] of stages) synthesized.set(name, synthesizeStage(config));
});
const stage = (name: string): SynthesizedStage => {
  const found = synthesized.get(name);
  if (!found) throw new Error(`stage ${name} was not synthesised`);
  return found;
};

describe.each(stages)('stage %s: DerivedServices', (name, config) => {
  it('passes cdk-nag with every finding acknowledged', () => {
    expect(stage(name).nagViolations).toEqual([]);
  });

  it('routes every record event with a personKey but no smoke test on the hub bus, whole, to the derive queue', () => {
    const { template, stack, resolve } = stage(name);

    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: resolve(stack.bus.eventBus.eventBusName),
      EventPattern: {
        source: ['residence-data-hub'],
        detail: {
          personKey: [{ exists: true }],
          submittedBy: { submitterId: [{ 'anything-but': 'hub-smoke' }] },
        },
      },
      Targets: [
        Match.objectLike({
          Arn: resolve(stack.derived.deriveQueue.queueArn),
          DeadLetterConfig: { Arn: resolve(stack.derived.failureQueue.queueArn) },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
          Input: Match.absent(),
          InputTransformer: Match.absent(),
        }),
      ],
    });
  });

  it('derives queued events in batches of 100 with partial batch responses, dead-lettering after 3 deliveries', () => {
    const { template, stack, resolve } = stage(name);

    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: resolve(stack.derived.deriveQueue.queueArn),
      FunctionName: resolve(stack.derived.deriveHandler.function.functionName),
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: resolve(stack.derived.failureQueueKey.keyArn),
      VisibilityTimeout: 1800,
      RedrivePolicy: {
        deadLetterTargetArn: resolve(stack.derived.failureQueue.queueArn),
        maxReceiveCount: 3,
      },
    });
  });

  it('runs the daily evaluation at 00:05 China time with a schedule-expression rule (no EventBridge Scheduler)', () => {
    const { template, stack, resolve } = stage(name);

    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(5 16 * * ? *)',
      EventBusName: Match.absent(),
      Targets: [Match.objectLike({ Arn: resolve(stack.derived.deriveHandler.function.functionArn) })],
    });
    expect(template.findResources('AWS::Scheduler::Schedule')).toEqual({});
  });

  it('sends failed asynchronous invocations to the encrypted failure queue after two retries', () => {
    const { template, stack, resolve } = stage(name);

    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: resolve(stack.derived.deriveHandler.function.functionName),
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: resolve(stack.derived.failureQueue.queueArn) } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: resolve(stack.derived.failureQueueKey.keyArn),
    });
  });

  it('lets derive read and write the table, and leaves putting its events on the bus to the publisher', () => {
    const { template, stack, resolve } = stage(name);

    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [resolve(stack.derived.deriveHandler.role.roleName)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']),
          }),
        ]),
      },
    });
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [resolve(stack.derived.deriveHandler.role.roleName)] },
    });
    expect(JSON.stringify(policies)).not.toContain('events:PutEvents');
  });

  it('serves lookup, stats and audit on the submissions’ HTTP API behind the same authorizer', () => {
    const { template, stack, resolve } = stage(name);
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    const byKey = new Map(Object.values(routes).map((r) => [r.Properties.RouteKey, r.Properties]));
    const ingest = byKey.get('POST /v1/records');

    for (const key of ['POST /v1/persons/lookup', 'GET /v1/stats', 'GET /v1/audit']) {
      const route = byKey.get(key);
      expect(route, key).toBeDefined();
      expect(route.ApiId).toEqual(resolve(stack.ingestApi.httpApi.apiId));
      expect(route.AuthorizationType).toBe(config.ingestAuth.type === 'iam' ? 'AWS_IAM' : 'JWT');
      expect(route.AuthorizerId).toEqual(ingest.AuthorizerId);
    }
  });

  it('lets the query function read the personKey secret, and alarms on both functions and the failure queue', () => {
    const { template, stack, resolve } = stage(name);

    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          PERSON_KEY_SECRET_PARAMETER: config.personKeySecretParameter,
          POWERTOOLS_SERVICE_NAME: 'query',
        }),
      },
    });
    for (const fn of [stack.derived.deriveHandler.function, stack.derived.queryHandler.function]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: resolve(fn.functionName) }],
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: resolve(stack.derived.failureQueue.queueName) }],
    });
  });
});

describe('derived configuration', () => {
  it('reaches derive, query, ingest and the import worker as environment variables when a stage overrides it', () => {
    const { template } = stage('dev-with-overrides');
    const variables = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (fn) => fn.Properties.Environment?.Variables ?? {},
    );
    const withDeadlines = variables.filter((v) => v.LATE_REPORT_DEADLINE_DAYS === '{"tenancy":5}');

    expect(withDeadlines.map((v) => v.POWERTOOLS_SERVICE_NAME).sort()).toEqual([
      'derive',
      'import-worker',
      'ingest',
      'query',
    ]);
  });

  it('sets no override variables for a stage with the defaults', () => {
    const { json } = stage('prod');

    expect(json).not.toContain('LATE_REPORT_DEADLINE_DAYS');
    expect(json).not.toContain('ELIGIBILITY_CONFIG');
  });

  it('refuses an invalid override at synth', () => {
    expect(() =>
      synthesizeStage({ ...STAGES.dev, derived: { eligibility: { minimumResidenceMonths: 0 } } }),
    ).toThrow();
  });
});
