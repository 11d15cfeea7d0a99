import { Duration, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface FailureQueue {
  readonly queue: sqs.Queue;
  readonly key: kms.Key;
}

/**
 * A consumer's failure queue, in `scope` as `FailureQueue` with its own rotating key `FailureQueueKey`:
 * encrypted, TLS only, kept 14 days. It is itself a dead-letter queue (of `deadLetterOf`), so it has none.
 */
export function failureQueue(
  scope: Construct,
  props: { readonly description: string; readonly deadLetterOf: string },
): FailureQueue {
  const key = new kms.Key(scope, 'FailureQueueKey', {
    description: props.description,
    enableKeyRotation: true,
  });
  const queue = new sqs.Queue(scope, 'FailureQueue', {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself a dead-letter queue: ${props.deadLetterOf}.`,
  });
  return { queue, key };
}
