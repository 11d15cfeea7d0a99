import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUE_DELIVERY } from '../../events/index.ts';
import type { ConsumerPrincipal } from '../config.ts';

export interface DepartmentQueueProps {
  /** Subscriber name, e.g. `housing` or `public-security-3301`; part of the queue names. */
  readonly name: string;
  /** Prefix of the queue names, e.g. `residence-data-hub-prod`. */
  readonly namePrefix: string;
  /**
   * The subscriber's consumer: may receive and delete messages, nothing else.
   * @default - no consumer grant
   */
  readonly consumer?: ConsumerPrincipal;
  /** @default QUEUE_DELIVERY.visibilityTimeoutSeconds (events/delivery.ts) */
  readonly visibilityTimeout?: Duration;
  /**
   * Receives before a message moves to the dead-letter queue.
   * @default QUEUE_DELIVERY.maxReceiveCount
   */
  readonly maxReceiveCount?: number;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * One subscriber's inbox: a KMS-encrypted, SSL-only queue with a dead-letter queue, readable by the
 * subscriber's consumer alone and writable only by the EventBridge rules named in `allowDeliveryFrom`.
 */
export class DepartmentQueue extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  /** Customer-managed key of both queues (the messages carry personal data). */
  public readonly encryptionKey: kms.Key;
  /** The consumer's principal, when one is configured. */
  public readonly consumerPrincipal?: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: DepartmentQueueProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const retentionPeriod = Duration.seconds(QUEUE_DELIVERY.retentionSeconds);

    this.encryptionKey = new kms.Key(this, 'Key', {
      description: `residence-data-hub ${props.name} queues`,
      enableKeyRotation: true,
      removalPolicy,
    });
    // EventBridge writes to the queues (and to the DLQ on failed delivery) under its own service identity.
    this.encryptionKey.grant(
      new iam.ServicePrincipal('events.amazonaws.com'),
      'kms:GenerateDataKey',
      'kms:Decrypt',
    );

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: `${props.namePrefix}-${props.name}-dlq`,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      enforceSSL: true,
      retentionPeriod,
      removalPolicy,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: `${props.namePrefix}-${props.name}`,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      enforceSSL: true,
      retentionPeriod,
      visibilityTimeout: props.visibilityTimeout ?? Duration.seconds(QUEUE_DELIVERY.visibilityTimeoutSeconds),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: props.maxReceiveCount ?? QUEUE_DELIVERY.maxReceiveCount,
      },
      removalPolicy,
    });

    if (props.consumer) {
      const principal = new iam.ArnPrincipal(
        Stack.of(this).formatArn({
          service: 'iam',
          region: '',
          account: props.consumer.accountId ?? Aws.ACCOUNT_ID,
          resource: 'role',
          resourceName: props.consumer.roleName,
        }),
      );
      this.consumerPrincipal = principal;
      this.queue.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'DepartmentConsumerReceiveDelete',
          principals: [principal],
          actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
          resources: [this.queue.queueArn],
        }),
      );
      this.encryptionKey.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'DepartmentConsumerDecryptViaSqs',
          principals: [principal],
          actions: ['kms:Decrypt'],
          resources: ['*'],
          conditions: { StringEquals: { 'kms:ViaService': `sqs.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
        }),
      );
    }
  }

  /**
   * Lets exactly these EventBridge rules send to the queue, and to the dead-letter queue when their delivery
   * fails (`aws:SourceArn` = the rule ARNs). Call once, with every rule that targets this queue.
   */
  public allowDeliveryFrom(ruleArns: readonly string[]): void {
    if (ruleArns.length === 0) return;
    for (const [sid, queue] of [
      ['EventBridgeRulesDeliver', this.queue],
      ['EventBridgeRulesDeadLetter', this.deadLetterQueue],
    ] as const) {
      queue.addToResourcePolicy(
        new iam.PolicyStatement({
          sid,
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
          conditions: { ArnEquals: { 'aws:SourceArn': [...ruleArns] } },
        }),
      );
    }
  }
}
