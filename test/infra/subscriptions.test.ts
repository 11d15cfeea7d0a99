import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CompiledRule,
  compileSubscription,
  DEPARTMENTS,
  type Department,
  subscriberSubscription,
} from '../../events/index.ts';
import { type DepartmentSettings, STAGES, type StageConfig } from '../../infra/config.ts';
import { stageSubscriptions, subscriberRoutes } from '../../infra/department-routes.ts';
import { type SynthesizedStage, synthesizeStage } from './synth.ts';

/**
 * dev and prod as shipped, plus a city deployment narrowing housing to Hangzhou (3301) with the Hangzhou and
 * Xihu public-security bureaus as subscribers of their own.
 */
const stages: [string, StageConfig][] = [
  ['dev', STAGES.dev],
  ['prod', STAGES.prod],
  [
    'hangzhou',
    {
      ...STAGES.dev,
      stage: 'hz',
      departments: { housing: { divisionPrefixes: ['3301'] } },
      subscribers: [
        { id: 'public-security@3301', consumer: { roleName: 'hangzhou-psb-consumer' } },
        { id: 'public-security@330106', visibilityTimeoutSeconds: 60 },
      ],
    },
  ],
];

const settingsOf = (config: StageConfig, subscriber: string): DepartmentSettings | undefined =>
  config.departments[subscriber as Department] ??
  config.subscribers?.find((candidate) => candidate.id === subscriber);

const synthesized = new Map<string, SynthesizedStage>();
beforeAll(() => {
  for (const [name, config] of stages) synthesized.set(name, synthesizeStage(config));
});
const stage = (name: string): SynthesizedStage => {
  const found = synthesized.get(name);
  if (!found) throw new Error(`stage ${name} was not synthesised`);
  return found;
};

/** Every compiled rule of a stage, the smoke subscriber's included. */
const compiledRules = (config: StageConfig): CompiledRule[] =>
  subscriberRoutes(config).flatMap((route) => route.rules);

describe.each(stages)('stage %s', (name, config) => {
  it('covers every department, each configured office and the smoke subscriber', () => {
    const subscribers = subscriberRoutes(config).map((route) => route.subscriber);

    expect(subscribers).toEqual([
      ...DEPARTMENTS,
      ...(config.subscribers ?? []).map((subscriber) => subscriber.id),
      'smoke',
    ]);
  });

  it('filters each office to its division prefix, with its department projection', () => {
    for (const { id } of config.subscribers ?? []) {
      const prefix = id.split('@')[1] ?? '';
      const stem = id.replace('@', '-');
      for (const rule of compiledRules(config).filter((candidate) => candidate.subscriber === id)) {
        const departmentRule = compileSubscription(subscriberSubscription(id.split('@')[0] ?? '')).find(
          (candidate) => candidate.kind === rule.kind,
        );
        expect(rule.ruleName).toBe(`${stem}-${rule.kind}`);
        expect(rule.inputTransformer).toEqual(departmentRule?.inputTransformer);
        stage(name).template.hasResourceProperties('AWS::Events::Rule', {
          Name: rule.ruleName,
          EventPattern: Match.objectLike({ detail: Match.objectLike({ divisionCode: [{ prefix }] }) }),
        });
      }
    }
  });

  it('archives every change event for replays, and names each subscriber’s queues in the outputs', () => {
    const { template, stack, resolve } = stage(name);

    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: resolve(stack.bus.eventBus.eventBusArn),
      EventPattern: { source: ['residence-data-hub'] },
      RetentionDays: 30,
    });
    const outputs = template.findOutputs('*');
    for (const route of subscriberRoutes(config)) {
      const key = `Subscriber${route.name.replaceAll('-', '')}`;
      const parts: unknown[] = outputs[key]?.Value['Fn::Join'][1] ?? [];
      const text = parts.filter((part) => typeof part === 'string').join('');
      expect(text).toContain(`{"subscriber":"${route.subscriber}","queueUrl":"`);
      expect(text).toContain('","deadLetterQueueUrl":"');
    }
  });

  describe.each(compiledRules(config).map((rule) => [rule.ruleName, rule] as const))(
    'rule %s',
    (_ruleName, rule) => {
      it('matches the compiled event pattern exactly, on the hub bus', () => {
        const { template, stack, resolve } = stage(name);

        template.hasResourceProperties('AWS::Events::Rule', {
          Name: rule.ruleName,
          EventBusName: resolve(stack.bus.eventBus.eventBusName),
          EventPattern: Match.exact(rule.eventPattern),
          State: 'ENABLED',
        });
      });

      it("delivers the compiled projection verbatim to the department's queue, failures to its DLQ", () => {
        const { template, stack, resolve } = stage(name);
        const inbox = stack.subscriptions.inboxOf(rule.subscriber);

        template.hasResourceProperties('AWS::Events::Rule', {
          Name: rule.ruleName,
          Targets: [
            Match.objectLike({
              Arn: resolve(inbox.queue.queueArn),
              InputTransformer: Match.exact({
                InputPathsMap: rule.inputTransformer.inputPathsMap,
                InputTemplate: rule.inputTransformer.inputTemplate,
              }),
              DeadLetterConfig: { Arn: resolve(inbox.deadLetterQueue.queueArn) },
              RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
            }),
          ],
        });
      });
    },
  );

  it('applies the department division filter before compiling', () => {
    const housing = stageSubscriptions(config).find((subscription) => subscription.department === 'housing');
    const prefixes = config.departments.housing?.divisionPrefixes;

    expect(housing?.filter?.divisionCodePrefix).toEqual(prefixes);
    if (prefixes) {
      stage(name).template.hasResourceProperties('AWS::Events::Rule', {
        Name: 'housing-tenancy',
        EventPattern: Match.objectLike({ detail: { divisionCode: prefixes.map((prefix) => ({ prefix })) } }),
      });
    }
  });

  describe.each(subscriberRoutes(config).map((route) => [route.subscriber, route.name]))(
    '%s queue',
    (subscriber, department) => {
      const inboxOf = (synth: SynthesizedStage) => synth.stack.subscriptions.inboxOf(subscriber);
      const ruleArns = (synth: SynthesizedStage) =>
        compiledRules(config)
          .filter((rule) => rule.subscriber === subscriber)
          .map((rule) => {
            const construct = synth.stack.subscriptions.rules.get(rule.ruleName);
            if (!construct) throw new Error(`no rule ${rule.ruleName}`);
            return synth.resolve(construct.ruleArn);
          });

      it('is encrypted with a rotating customer-managed key, keeps messages 14 days, redrives after 5 receives', () => {
        const synth = stage(name);
        const inbox = inboxOf(synth);

        synth.template.hasResourceProperties('AWS::SQS::Queue', {
          QueueName: `residence-data-hub-${config.stage}-${department}`,
          KmsMasterKeyId: synth.resolve(inbox.encryptionKey.keyArn),
          MessageRetentionPeriod: 1209600,
          VisibilityTimeout: settingsOf(config, subscriber)?.visibilityTimeoutSeconds ?? 300,
          RedrivePolicy: {
            deadLetterTargetArn: synth.resolve(inbox.deadLetterQueue.queueArn),
            maxReceiveCount: 5,
          },
        });
        synth.template.hasResourceProperties('AWS::SQS::Queue', {
          QueueName: `residence-data-hub-${config.stage}-${department}-dlq`,
          KmsMasterKeyId: synth.resolve(inbox.encryptionKey.keyArn),
          MessageRetentionPeriod: 1209600,
        });
        synth.template.hasResourceProperties('AWS::KMS::Key', {
          Description: `residence-data-hub ${department} queues`,
          EnableKeyRotation: true,
          KeyPolicy: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Principal: { Service: 'events.amazonaws.com' },
                Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
              }),
            ]),
          },
        });
      });

      it('accepts messages only over SSL and only from its own rules (aws:SourceArn), queue and DLQ alike', () => {
        const synth = stage(name);
        const inbox = inboxOf(synth);
        const arns = ruleArns(synth);

        expect(arns.length).toBeGreaterThan(0);
        for (const [queue, sid] of [
          [inbox.queue, 'EventBridgeRulesDeliver'],
          [inbox.deadLetterQueue, 'EventBridgeRulesDeadLetter'],
        ] as const) {
          synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
            Queues: [synth.resolve(queue.queueUrl)],
            PolicyDocument: {
              Statement: Match.arrayWith([
                Match.objectLike({
                  Effect: 'Deny',
                  Action: 'sqs:*',
                  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
                }),
                {
                  Sid: sid,
                  Effect: 'Allow',
                  Principal: { Service: 'events.amazonaws.com' },
                  Action: 'sqs:SendMessage',
                  Resource: synth.resolve(queue.queueArn),
                  Condition: { ArnEquals: { 'aws:SourceArn': Match.exact(arns) } },
                },
              ]),
            },
          });
        }
      });

      const consumer = settingsOf(config, subscriber)?.consumer;
      it(consumer ? 'lets its consumer receive and delete, nothing else' : 'grants no consumer', () => {
        const synth = stage(name);
        const inbox = inboxOf(synth);
        const [policy] = Object.values(
          synth.template.findResources('AWS::SQS::QueuePolicy', {
            Properties: { Queues: [synth.resolve(inbox.queue.queueUrl)] },
          }),
        );
        const consumerStatements = policy?.Properties.PolicyDocument.Statement.filter(
          (statement: { Principal?: { AWS?: unknown }; Effect: string }) =>
            statement.Effect === 'Allow' && statement.Principal?.AWS !== undefined,
        );

        if (!consumer) {
          expect(consumerStatements).toEqual([]);
          return;
        }
        const roleArn = {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':iam::',
              consumer.accountId ?? { Ref: 'AWS::AccountId' },
              `:role/${consumer.roleName}`,
            ],
          ],
        };
        expect(consumerStatements).toEqual([
          {
            Sid: 'DepartmentConsumerReceiveDelete',
            Effect: 'Allow',
            Principal: { AWS: roleArn },
            Action: ['sqs:DeleteMessage', 'sqs:ReceiveMessage'],
            Resource: synth.resolve(inbox.queue.queueArn),
          },
        ]);
        synth.template.hasResourceProperties('AWS::KMS::Key', {
          Description: `residence-data-hub ${department} queues`,
          KeyPolicy: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Principal: { AWS: roleArn },
                Action: 'kms:Decrypt',
                Condition: {
                  StringEquals: {
                    'kms:ViaService': {
                      'Fn::Join': ['', ['sqs.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
                    },
                  },
                },
              }),
            ]),
          },
        });
      });
    },
  );
});
