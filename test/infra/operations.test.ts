import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS_ROUTES } from '#api/operations-api.ts';
import { SMOKE_SUBSCRIBER } from '#events/smoke.ts';
import { DEPARTMENTS } from '#events/subscriptions.ts';
import { configProblems, STAGES, type StageConfig } from '../../infra/config.ts';
import type { ResidenceDataHubStack } from '../../infra/stack.ts';
import { type SynthesizedStage, synthesizeStage } from './synth.ts';

// Production with one department's alarm tightened and the publisher's loosened, to see both settings land.
const config: StageConfig = {
  ...STAGES.prod,
  departments: { ...STAGES.prod.departments, health: { oldestMessageAlarmSeconds: 900 } },
  alarms: { ...STAGES.prod.alarms, publisherIteratorAgeSeconds: 1200 },
};

let synthesized: SynthesizedStage;
beforeAll(() => {
  synthesized = synthesizeStage(config);
});

/** The dashboard's body as one resolved string (CloudFormation joins it from parts and references). */
function dashboardBody(): string {
  const dashboards = Object.values(synthesized.template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0]?.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  return body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
}

/** The subscribers' inboxes the operations API watches: all but the smoke test's. */
const departmentQueues = (stack: ResidenceDataHubStack) =>
  [...stack.subscriptions.queues].filter(([subscriber]) => subscriber !== SMOKE_SUBSCRIBER);

describe('operations API', () => {
  it('routes every operations route, authorised, to the operations function', () => {
    const { template, stack, resolve } = synthesized;

    for (const route of Object.values(OPERATIONS_ROUTES)) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${route.method} ${route.path}`,
        AuthorizationType: 'JWT',
      });
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'operations',
          TABLE_NAME: resolve(stack.store.table.tableName),
          IMPORTS_TABLE_NAME: resolve(stack.imports.table.tableName),
        }),
      },
    });
  });

  it('watches every department queue with its alarm threshold', () => {
    const { stack, resolve } = synthesized;
    const variables = resolve(
      (stack.operations.handler.function.node.defaultChild as unknown as { environment: unknown })
        .environment,
    ) as { variables: { SUBSCRIBER_QUEUES: unknown } };
    const watched = JSON.stringify(variables.variables.SUBSCRIBER_QUEUES);

    for (const department of DEPARTMENTS) expect(watched).toContain(`\\"name\\":\\"${department}\\"`);
    expect(watched).toContain('\\"name\\":\\"health\\",\\"department\\":\\"health\\"');
    expect(watched).toMatch(/\\"oldestMessageAlarmSeconds\\":900/);
    expect(watched).toMatch(/\\"oldestMessageAlarmSeconds\\":3600/);
  });

  it('may read the tables, the subscribers’ queue attributes and CloudWatch metric data, nothing more', () => {
    const { template, stack, resolve } = synthesized;
    // Every department's and office's queue; the smoke test's queue belongs to no department.
    const queues = [...departmentQueues(stack)].flatMap(([, inbox]) => [
      JSON.stringify(resolve(inbox.queue.queueArn)),
      JSON.stringify(resolve(inbox.deadLetterQueue.queueArn)),
    ]);
    const role = resolve(stack.operations.handler.role.roleName);
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy')).filter(
      (p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([role]),
    );
    const statements = policy?.Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
    }[];
    const actions = new Set(statements.flatMap((s) => [s.Action].flat()));
    const queueStatement = statements.find((s) => s.Action === 'sqs:GetQueueAttributes');
    const importsTableArn = resolve(stack.imports.table.tableArn);
    const importsStatement = statements.find((s) =>
      JSON.stringify(s.Resource).includes(JSON.stringify(importsTableArn)),
    );

    expect(
      [...actions]
        .filter((a) => !/^(logs:(CreateLogStream|PutLogEvents)|kms:(Decrypt|DescribeKey))$/.test(a))
        .sort(),
    ).toEqual([
      'cloudwatch:GetMetricData',
      'dynamodb:BatchGetItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:DescribeTable',
      'dynamodb:GetItem',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:Query',
      'dynamodb:Scan',
      'sqs:GetQueueAttributes',
    ]);
    expect(([queueStatement?.Resource].flat() as unknown[]).map((r) => JSON.stringify(r)).sort()).toEqual(
      queues.sort(),
    );
    // The imports table and its indexes (the activity index), read only (the same actions as the record table's).
    expect(importsStatement?.Action).toContain('dynamodb:Query');
    expect(importsStatement?.Resource).toEqual(
      expect.arrayContaining([importsTableArn, { 'Fn::Join': ['', [importsTableArn, '/index/*']] }]),
    );
  });
});

describe('record table', () => {
  it('lets the flow counters expire by TTL', () => {
    synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });
});

describe('alarms', () => {
  it("alarm when the publisher's iterator age stays above the configured seconds for five minutes", () => {
    const { template, stack, resolve } = synthesized;

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: resolve(stack.publisher.handler.function.functionName) }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 5,
      Threshold: 1_200_000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it("alarm on each department queue's oldest message, at its own threshold", () => {
    const { template, stack, resolve } = synthesized;

    for (const [department, inbox] of departmentQueues(stack)) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: resolve(inbox.queue.queueName) }],
        Statistic: 'Maximum',
        Threshold: department === 'health' ? 900 : 3600,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  it("alarm on PutEvents the publisher saw throttled, from the hub's own metric", () => {
    synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ResidenceDataHub/prod',
      MetricName: 'PutEventsThrottled',
      Dimensions: [{ Name: 'service', Value: 'publish' }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarm on any 5xx answer of the HTTP API', () => {
    const { template, stack, resolve } = synthesized;

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: resolve(stack.ingestApi.httpApi.apiId) }],
      Statistic: 'Sum',
      Threshold: 0,
    });
  });

  it('refuses a threshold that is not a positive whole number of seconds', () => {
    const bad: StageConfig = {
      ...STAGES.dev,
      departments: { housing: { oldestMessageAlarmSeconds: 0 } },
      alarms: { publisherIteratorAgeSeconds: 1.5 },
    };

    expect(configProblems(bad)).toEqual([
      'alarms.publisherIteratorAgeSeconds must be a whole number of seconds above 0',
      'departments.housing.oldestMessageAlarmSeconds must be a whole number of seconds above 0',
    ]);
  });
});

describe('dashboard', () => {
  it('is named after the stage', () => {
    synthesized.template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: 'residence-data-hub-prod',
    });
  });

  it('shows the API, the flow with rejections by code, the publisher, the bus, the queues and derive lag', () => {
    const body = dashboardBody();

    for (const [namespace, metric] of [
      ['AWS/ApiGateway', 'Count'],
      ['AWS/ApiGateway', '4xx'],
      ['AWS/ApiGateway', '5xx'],
      ['ResidenceDataHub/prod', 'RecordsAccepted'],
      ['ResidenceDataHub/prod', 'RecordsUnchanged'],
      ['ResidenceDataHub/prod', 'RecordsRejected'],
      ['AWS/Lambda', 'IteratorAge'],
      ['ResidenceDataHub/prod', 'PutEventsThrottled'],
      ['AWS/Events', 'Invocations'],
      ['AWS/Events', 'FailedInvocations'],
      ['AWS/SQS', 'ApproximateNumberOfMessagesVisible'],
      ['AWS/SQS', 'ApproximateAgeOfOldestMessage'],
    ])
      expect(body, `${namespace} ${metric}`).toContain(`["${namespace}","${metric}"`);
    expect(body).toContain(
      `SEARCH('{ResidenceDataHub/prod,code,service} MetricName=\\"RecordsRejectedByCode\\"', 'Sum', 60)`,
    );
  });

  it('draws every bus rule and every subscriber queue', () => {
    const { stack } = synthesized;
    const body = dashboardBody();

    for (const ruleName of stack.subscriptions.rules.keys())
      expect(body).toContain(`"RuleName","${ruleName}"`);
    for (const department of stack.subscriptions.queues.keys())
      expect(body).toContain(`"label":"${department}"`);
    expect(body).toContain('"label":"derive queue"');
  });

  it('keeps every dimension free of personal data: codes, services, names of resources', () => {
    const body = dashboardBody();

    expect(body).not.toMatch(/\d{17}[\dX]|1[3-9]\d{9}/);
  });
});
