import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PUT_EVENTS_THROTTLED_METRIC } from '#functions/adapters/hub-metrics.ts';

/** Something watched, with a name for its alarm's description. */
export interface Watched<T> {
  readonly name: string;
  readonly resource: T;
}

/** A subscriber's queue, whose oldest message must not grow older than `oldestMessageAlarm`. */
export interface WatchedInbox {
  readonly name: string;
  readonly queue: sqs.IQueue;
  readonly oldestMessageAlarm: Duration;
}

export interface MonitoringProps {
  /** Dead-letter queues: any visible message means a delivery or processing failure to look at. */
  readonly deadLetterQueues: readonly Watched<sqs.IQueue>[];
  /** Functions whose errors are alarmed. */
  readonly functions: readonly Watched<lambda.IFunction>[];
  /** The subscribers' queues: a consumer that stopped (or falls behind) lets its oldest message age. */
  readonly inboxes: readonly WatchedInbox[];
  /** The stream publisher: its iterator age says how far it is behind the table's stream. */
  readonly publisher: lambda.IFunction;
  /** @default Duration.minutes(10) */
  readonly publisherIteratorAge?: Duration;
  /** The namespace of the hub's own metrics (functions/adapters/hub-metrics.ts), for the PutEvents alarm. */
  readonly metricsNamespace: string;
  /** The HTTP API: any 5xx is the hub failing a caller. */
  readonly httpApi: apigwv2.IHttpApi;
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

/**
 * Alarms, sent to an optional encrypted SNS topic: a message in any dead-letter queue, errors of any function,
 * the publisher falling behind the stream, a subscriber's oldest message older than its threshold, PutEvents
 * throttled, and 5xx answers of the API.
 */
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
    const whenAbove = (
      metric: cloudwatch.Metric,
      id: string,
      description: string,
      threshold: number,
      evaluationPeriods = 1,
    ) => {
      alarms.push(
        metric.createAlarm(this, id, {
          alarmDescription: description,
          threshold,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    };
    for (const { name, resource } of props.deadLetterQueues) {
      whenAbove(
        resource.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        `DeadLetters-${name}`,
        `Messages are waiting in the dead-letter queue of ${name}`,
        0,
      );
    }
    for (const { name, resource } of props.functions) {
      whenAbove(
        resource.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        `Errors-${name}`,
        `The ${name} function reports errors`,
        0,
      );
    }
    const iteratorAge = props.publisherIteratorAge ?? Duration.minutes(10);
    whenAbove(
      Monitoring.iteratorAge(props.publisher),
      'PublisherIteratorAge',
      `The publisher is more than ${iteratorAge.toSeconds()} s behind the table's stream for 5 minutes`,
      iteratorAge.toMilliseconds(),
      5,
    );
    for (const { name, queue, oldestMessageAlarm } of props.inboxes) {
      whenAbove(
        queue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(5),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        `OldestMessage-${name}`,
        `${name} has a message older than ${oldestMessageAlarm.toSeconds()} s: its consumer stopped or falls behind`,
        oldestMessageAlarm.toSeconds(),
      );
    }
    whenAbove(
      Monitoring.putEventsThrottled(props.metricsNamespace),
      'PutEventsThrottled',
      'EventBridge throttled PutEvents of the publisher (retried): the bus quota is near',
      0,
    );
    whenAbove(
      props.httpApi.metricServerError({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      'Api5xx',
      'The HTTP API answered 5xx',
      0,
    );
    if (this.topic) {
      const action = new SnsAction(this.topic);
      for (const alarm of alarms) alarm.addAlarmAction(action);
    }
    this.alarms = alarms;
  }

  /** How old the oldest stream record was when the publisher got it (ms). */
  public static iteratorAge(publisher: lambda.IFunction): cloudwatch.Metric {
    return publisher.metric('IteratorAge', {
      period: Duration.minutes(1),
      statistic: cloudwatch.Stats.MAXIMUM,
    });
  }

  /** Entries EventBridge throttled in the publisher's PutEvents (functions/adapters/hub-metrics.ts). */
  public static putEventsThrottled(namespace: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace,
      metricName: PUT_EVENTS_THROTTLED_METRIC,
      dimensionsMap: { service: 'publish' },
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.SUM,
    });
  }
}
