import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { type DeliveryRow, noDeliveries } from '#api/deliveries-api.ts';
import { chinaDateOf } from '#domain/dates.ts';
import { pascalKind } from '#events/kinds.ts';
import { subscriberRules } from '#events/subscriber-rules.ts';

/*
 * On AWS, nothing of the hub's sees a delivery (EventBridge writes to the queue itself), so the delivery
 * log's `delivered` and `deadLettered` come from the subscriber's rules' metrics (AWS/Events, dimensions
 * EventBusName + RuleName): delivered = Invocations − FailedInvocations, dead-lettered = InvocationsSentToDlq.
 * A rule serves one kind, so these rows are per kind (`ResidenceRegistration.*`), summed from hourly data
 * into China days. Messages a consumer let expire into the DLQ (maxReceiveCount) show in `hub dlq`, not here.
 */
/** Counts the hub cannot write itself, read from elsewhere (on AWS: the bus rules' metrics). */
export interface DeliveryMetrics {
  read(subscriber: string, from: string, to: string): Promise<DeliveryRow[]>;
}

export class RuleDeliveryMetrics implements DeliveryMetrics {
  readonly #cloudWatch: CloudWatchClient;
  readonly #eventBusName: string;

  constructor(cloudWatch: CloudWatchClient, eventBusName: string) {
    this.#cloudWatch = cloudWatch;
    this.#eventBusName = eventBusName;
  }

  async read(subscriber: string, from: string, to: string): Promise<DeliveryRow[]> {
    const rules = subscriberRules(subscriber);
    const metric = (id: string, ruleName: string, name: string): MetricDataQuery => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/Events',
          MetricName: name,
          Dimensions: [
            { Name: 'EventBusName', Value: this.#eventBusName },
            { Name: 'RuleName', Value: ruleName },
          ],
        },
        Period: 3600,
        Stat: 'Sum',
      },
    });
    const queries = rules.flatMap((rule, index) => [
      metric(`invocations${index}`, rule.ruleName, 'Invocations'),
      metric(`failed${index}`, rule.ruleName, 'FailedInvocations'),
      metric(`dlq${index}`, rule.ruleName, 'InvocationsSentToDlq'),
    ]);
    const rows = new Map<string, DeliveryRow>();
    let nextToken: string | undefined;
    do {
      const out = await this.#cloudWatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: new Date(`${from}T00:00:00+08:00`),
          EndTime: new Date(Date.parse(`${to}T00:00:00+08:00`) + 86_400_000),
          NextToken: nextToken,
        }),
      );
      for (const result of out.MetricDataResults ?? []) {
        const [, kindOf, index] = /^([a-z]+)(\d+)$/.exec(result.Id ?? '') ?? [];
        const rule = rules[Number(index)];
        if (rule === undefined) continue;
        (result.Timestamps ?? []).forEach((timestamp, i) => {
          const value = result.Values?.[i] ?? 0;
          const day = chinaDateOf(timestamp.toISOString());
          const eventType = `${pascalKind(rule.kind)}.*`;
          const key = `${day}#${eventType}`;
          const row = rows.get(key) ?? { day, eventType, ...noDeliveries() };
          if (kindOf === 'invocations') row.delivered += value;
          if (kindOf === 'failed') row.delivered -= value;
          if (kindOf === 'dlq') row.deadLettered += value;
          rows.set(key, row);
        });
      }
      nextToken = out.NextToken;
    } while (nextToken);
    return [...rows.values()];
  }
}
