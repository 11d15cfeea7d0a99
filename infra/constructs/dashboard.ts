import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ERROR_CODE_DIMENSION, FLOW_METRICS } from '#functions/adapters/hub-metrics.ts';
import { Monitoring, type Watched } from './monitoring.ts';

/** A subscriber's inbox on the dashboard. */
export interface DashboardInbox {
  readonly name: string;
  readonly queue: sqs.IQueue;
}

export interface HubDashboardProps {
  readonly dashboardName: string;
  /** The namespace of the hub's own metrics (functions/adapters/hub-metrics.ts). */
  readonly metricsNamespace: string;
  readonly httpApi: apigwv2.IHttpApi;
  readonly publisher: lambda.IFunction;
  /** The derive function's queue (the derive rule's target): its oldest event's age is the derivation's lag. */
  readonly deriveQueue: sqs.IQueue;
  readonly eventBusName: string;
  /** The bus's rules, by name (department deliveries and derive). */
  readonly ruleNames: readonly string[];
  readonly inboxes: readonly DashboardInbox[];
  /** Every dead-letter queue (the subscribers', the publisher's, derive's). */
  readonly deadLetterQueues: readonly Watched<sqs.IQueue>[];
}

const MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

/**
 * The console's panels where CloudWatch has the data (README "Operations: the console and its API"): API
 * requests and 4xx/5xx; records accepted, unchanged and rejected per minute and rejections by error code (the
 * ingest function's metrics); the publisher's iterator age and throttled PutEvents; bus invocations and failed
 * invocations per rule; each subscriber's queue depth and oldest message; dead letters; derive lag.
 */
export class HubDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: HubDashboardProps) {
    super(scope, id);
    const ns = props.metricsNamespace;
    const graph = (
      title: string,
      left: cloudwatch.IMetric[],
      options: Partial<cloudwatch.GraphWidgetProps> = {},
    ) => new cloudwatch.GraphWidget({ title, left, width: 12, height: 6, ...options });
    const flow = (metricName: string, label: string) =>
      new cloudwatch.Metric({
        namespace: ns,
        metricName,
        dimensionsMap: { service: 'ingest' },
        statistic: cloudwatch.Stats.SUM,
        period: MINUTE,
        label,
      });
    const perRule = (metricName: string) =>
      props.ruleNames.map(
        (ruleName) =>
          new cloudwatch.Metric({
            namespace: 'AWS/Events',
            metricName,
            dimensionsMap: { EventBusName: props.eventBusName, RuleName: ruleName },
            statistic: cloudwatch.Stats.SUM,
            period: FIVE_MINUTES,
            label: ruleName,
          }),
      );
    const perInbox = (metric: (queue: sqs.IQueue) => cloudwatch.Metric) =>
      props.inboxes.map(({ name, queue }) => metric(queue).with({ label: name }));

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new cloudwatch.TextWidget({
            markdown:
              '# 居住登记数据枢纽 运行 · residence-data-hub operations\n' +
              'Flow per minute, rejections by error code, the publisher, the bus, every subscriber queue. ' +
              'The local hub shows the same at `/console`.',
            width: 24,
            height: 2,
          }),
        ],
        [
          graph('API requests', [
            props.httpApi.metricCount({ period: MINUTE, statistic: cloudwatch.Stats.SUM }),
          ]),
          graph('API 4xx / 5xx', [
            props.httpApi.metricClientError({
              period: MINUTE,
              statistic: cloudwatch.Stats.SUM,
              label: '4xx',
            }),
            props.httpApi.metricServerError({
              period: MINUTE,
              statistic: cloudwatch.Stats.SUM,
              label: '5xx',
            }),
          ]),
        ],
        [
          graph(
            'Records per minute (接收 / 未变 / 拒收)',
            [
              flow(FLOW_METRICS.accepted, 'accepted'),
              flow(FLOW_METRICS.unchanged, 'unchanged'),
              flow(FLOW_METRICS.rejected, 'rejected'),
            ],
            { stacked: true },
          ),
          graph('Rejected records by error code (拒收原因)', [
            new cloudwatch.MathExpression({
              expression: `SEARCH('{${ns},${ERROR_CODE_DIMENSION},service} MetricName="${FLOW_METRICS.rejectedByCode}"', 'Sum', 60)`,
              label: '',
              period: MINUTE,
            }),
          ]),
        ],
        [
          graph('Publisher iterator age (ms)', [Monitoring.iteratorAge(props.publisher)]),
          graph('PutEvents throttled (publisher)', [Monitoring.putEventsThrottled(ns)]),
        ],
        [
          graph('Bus invocations per rule', perRule('Invocations')),
          graph('Bus failed invocations per rule', perRule('FailedInvocations')),
        ],
        [
          graph(
            'Subscriber queue depth',
            perInbox((queue) =>
              queue.metricApproximateNumberOfMessagesVisible({
                period: MINUTE,
                statistic: cloudwatch.Stats.MAXIMUM,
              }),
            ),
          ),
          graph(
            'Subscriber oldest message age (s)',
            perInbox((queue) =>
              queue.metricApproximateAgeOfOldestMessage({
                period: MINUTE,
                statistic: cloudwatch.Stats.MAXIMUM,
              }),
            ),
          ),
        ],
        [
          graph(
            'Dead letters',
            props.deadLetterQueues.map(({ name, resource }) =>
              resource
                .metricApproximateNumberOfMessagesVisible({
                  period: MINUTE,
                  statistic: cloudwatch.Stats.MAXIMUM,
                })
                .with({ label: name }),
            ),
          ),
          graph('Derive lag: age of the oldest event waiting (s)', [
            props.deriveQueue
              .metricApproximateAgeOfOldestMessage({ period: MINUTE, statistic: cloudwatch.Stats.MAXIMUM })
              .with({ label: 'derive queue' }),
          ]),
        ],
      ],
    });
  }
}
