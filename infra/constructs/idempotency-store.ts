import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledgeKeyUse } from './grants.ts';

export interface IdempotencyStoreProps {
  /**
   * Continuous backups with point-in-time recovery (35 days).
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * Refuse `DeleteTable` until protection is switched off.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /** What happens to the table and its key when they leave the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Powertools idempotency records for `Idempotency-Key` (functions/adapters/idempotency-store.ts): one item per
 * submitter and key, holding the first answer, removed by TTL on `expiration` once its 24 hours are over.
 */
export class IdempotencyStore extends Construct {
  /** Attribute names shared with the persistence layer (IDEMPOTENCY_ATTRIBUTES). */
  public static readonly PARTITION_KEY = 'id';
  public static readonly TTL_ATTRIBUTE = 'expiration';

  public readonly table: dynamodb.Table;
  /** Customer-managed key encrypting the table and its backups: stored answers name records and sources. */
  public readonly encryptionKey: kms.Key;

  constructor(scope: Construct, id: string, props: IdempotencyStoreProps) {
    super(scope, id);

    this.encryptionKey = new kms.Key(this, 'Key', {
      description: 'residence-data-hub idempotency table',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: IdempotencyStore.PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: IdempotencyStore.TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy,
    });
    if (props.pointInTimeRecovery === false) {
      Validations.of(this.table).acknowledge({
        id: 'AwsSolutions-DDB3',
        reason:
          'Point-in-time recovery is switched off by the stage configuration (disposable non-production data).',
      });
    }
  }

  /** Exactly what the Powertools DynamoDB persistence layer calls (no scans, queries or transactions). */
  public grantPersistence(role: iam.Role): void {
    this.table.grant(
      role,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    );
    this.encryptionKey.grantEncryptDecrypt(role);
    acknowledgeKeyUse(role, 'the idempotency table');
  }
}
