import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Something watched, with a name for its alarm's description. */
export interface Watched<T> {
  readonly name: string;
  readonly resource: T;
}

export interface MonitoringProps {
  /** Dead-letter queues: any visible message means a delivery or processing failure to look at. */
  readonly deadLetterQueues: readonly Watched<sqs.IQueue>[];
  /** Functions whose errors are alarmed. */
  readonly functions: readonly Watched<lambda.IFunction>[];
  /**
   * E-mail address subscribed to the alarm topic (implies the topic).
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Create the alarm topic even without an e-mail address.
   * @default false
   */
  readonly createTopic?: boolean;
}

/** Alarms on every dead-letter queue and every function, sent to an optional encrypted SNS topic. */
export class Monitoring extends Construct {
  public readonly alarms: readonly cloudwatch.Alarm[];
  public readonly topic?: sns.Topic;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    if (props.alarmEmail !== undefined || props.createTopic === true) {
      const key = new kms.Key(this, 'TopicKey', {
        description: 'residence-data-hub alarm topic',
        enableKeyRotation: true,
      });
      // CloudWatch publishes alarm notifications to the encrypted topic under its own service identity.
      key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
      this.topic = new sns.Topic(this, 'Topic', { masterKey: key, enforceSSL: true });
      if (props.alarmEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    }

    const alarms: cloudwatch.Alarm[] = [];
    for (const { name, resource } of props.deadLetterQueues) {
      alarms.push(
        resource
          .metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(1),
            statistic: cloudwatch.Stats.MAXIMUM,
          })
          .createAlarm(this, `DeadLetters-${name}`, {
            alarmDescription: `Messages are waiting in the dead-letter queue of ${name}`,
            threshold: 0,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
    }
    for (const { name, resource } of props.functions) {
      alarms.push(
        resource
          .metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM })
          .createAlarm(this, `Errors-${name}`, {
            alarmDescription: `The ${name} function reports errors`,
            threshold: 0,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
    }
    if (this.topic) {
      const action = new SnsAction(this.topic);
      for (const alarm of alarms) alarm.addAlarmAction(action);
    }
    this.alarms = alarms;
  }
}
