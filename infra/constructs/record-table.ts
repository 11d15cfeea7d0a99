import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TTL_ATTRIBUTE } from '#functions/adapters/store-items.ts';

export interface RecordTableProps {
  /**
   * Refuse `DeleteTable` until protection is switched off.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Continuous backups with point-in-time recovery (35 days).
   * @default true
   */
  readonly pointInTimeRecovery?: boolean;
  /**
   * What the person index holds besides keys (StageConfig.personIndexProjection).
   * @default 'keys-only'
   */
  readonly personIndexProjection?: 'keys-only' | 'all';
  /**
   * What happens to the table and its key when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The single source of truth: one table for records, their history and person look-ups
 * (item shapes in functions/adapters/store-items.ts), streaming every committed change to the publisher.
 */
export class RecordTable extends Construct {
  /** Name of the GSI keyed by `gsi1pk` = `PERSON#<personKey>`, `gsi1sk` = `<kind>#<recordId>`. */
  public static readonly PERSON_INDEX = 'gsi1';

  public readonly table: dynamodb.Table;
  /** Customer-managed key encrypting the table, its stream and backups. */
  public readonly encryptionKey: kms.Key;

  constructor(scope: Construct, id: string, props: RecordTableProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.encryptionKey = new kms.Key(this, 'Key', {
      description: 'residence-data-hub record table',
      enableKeyRotation: true,
      removalPolicy,
    });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      deletionProtection: props.deletionProtection ?? true,
      // Items that only serve for a while (the flow counters) carry an expiry time.
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: RecordTable.PERSON_INDEX,
      partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
      // Keys only: look-ups need record ids (then read the items consistently), and a keys-only entry costs
      // one write unit when an item enters the index and none when a new version keeps its keys.
      projectionType:
        props.personIndexProjection === 'all'
          ? dynamodb.ProjectionType.ALL
          : dynamodb.ProjectionType.KEYS_ONLY,
    });
    if (props.pointInTimeRecovery === false) {
      Validations.of(this.table).acknowledge({
        id: 'AwsSolutions-DDB3',
        reason:
          'Point-in-time recovery is switched off by the stage configuration (disposable non-production data).',
      });
    }
  }
}
