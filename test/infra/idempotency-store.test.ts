import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_ATTRIBUTES } from '#functions/adapters/idempotency-store.ts';
import { STAGES, type StageConfig } from '../../infra/config.ts';
import { IdempotencyStore } from '../../infra/constructs/idempotency-store.ts';
import { type SynthesizedStage, synthesizeStage } from './synth.ts';

const stages: [string, StageConfig][] = [
  ['dev', STAGES.dev],
  ['prod', STAGES.prod],
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

it('names the key and TTL attributes as the Powertools persistence layer writes them', () => {
  expect(IdempotencyStore.PARTITION_KEY).toBe(IDEMPOTENCY_ATTRIBUTES.key);
  expect(IdempotencyStore.TTL_ATTRIBUTE).toBe(IDEMPOTENCY_ATTRIBUTES.expiry);
});

describe.each(stages)('stage %s: IdempotencyStore', (name, config) => {
  const tableOf = ({ template, stack, resolve }: SynthesizedStage) => {
    const logicalId = resolve(stack.idempotencyStore.table.tableName) as { Ref: string };
    const resource = template.toJSON().Resources[logicalId.Ref];
    if (!resource) throw new Error('no idempotency table in the template');
    return resource;
  };

  it('is a pay-per-request table keyed by id alone, expiring items by TTL on expiration, without a stream', () => {
    const table = tableOf(stage(name));

    expect(table.Type).toBe('AWS::DynamoDB::Table');
    expect(table.Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
    expect(table.Properties.StreamSpecification).toBeUndefined();
    expect(table.Properties.GlobalSecondaryIndexes).toBeUndefined();
  });

  it('encrypts with its own rotating key and recovers to a point in time as configured', () => {
    const synth = stage(name);
    const { template, stack, resolve } = synth;

    expect(tableOf(synth).Properties).toMatchObject({
      SSESpecification: {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: resolve(stack.idempotencyStore.encryptionKey.keyArn),
      },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: config.pitr },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'residence-data-hub idempotency table',
      EnableKeyRotation: true,
    });
  });

  it('is protected and retained as the stage configures', () => {
    const table = tableOf(stage(name));

    expect(table.Properties.DeletionProtectionEnabled).toBe(config.deletionProtection);
    expect(table.DeletionPolicy).toBe(config.deletionProtection ? 'Retain' : 'Delete');
  });

  it('is named to the ingest function, which may get, put, update and delete its items and nothing more', () => {
    const { template, stack, resolve } = stage(name);
    const roleName = resolve(stack.ingestApi.handler.role.roleName);

    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'ingest',
          IDEMPOTENCY_TABLE_NAME: resolve(stack.idempotencyStore.table.tableName),
        }),
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [roleName],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
            Resource: resolve(stack.idempotencyStore.table.tableArn),
          },
          Match.objectLike({
            Action: Match.arrayWith(['kms:Decrypt', 'kms:Encrypt']),
            Resource: resolve(stack.idempotencyStore.encryptionKey.keyArn),
          }),
        ]),
      },
    });
  });

  it('is granted to no other function', () => {
    const { template, stack, resolve } = stage(name);
    const tableArn = JSON.stringify(resolve(stack.idempotencyStore.table.tableArn));
    const publisherRole = JSON.stringify(resolve(stack.publisher.handler.role.roleName));

    const publisherPolicies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.Roles).includes(publisherRole),
    );
    expect(publisherPolicies.length).toBeGreaterThan(0);
    for (const policy of publisherPolicies) expect(JSON.stringify(policy)).not.toContain(tableArn);
  });
});
