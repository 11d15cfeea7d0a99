import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Command } from 'commander';
import { DELIVERY_OUTCOMES } from '#api/deliveries-api.ts';
import { chinaDateOf } from '#domain/dates.ts';
import { DeliveryLog } from '#functions/adapters/delivery-log.ts';
import { RuleDeliveryMetrics } from '#functions/adapters/delivery-metrics.ts';
import { subscriberDeliveries } from '#functions/query/deliveries.ts';
import { targetCommand } from '../command.ts';
import { UsageError } from '../errors.ts';
import { table } from '../output.ts';
import { queuesOf } from '../target.ts';

interface DeliveriesOptions {
  from?: string;
  to?: string;
  json?: boolean;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `hub deliveries SUBSCRIBER`: the delivery log, as `GET /v1/deliveries` answers it (the same function),
 * read with the operator's credentials: the hub's own counts from the table, and on AWS the rules' metrics.
 */
export function registerDeliveries(program: Command): void {
  targetCommand(
    program,
    'deliveries',
    'per day and event type: delivered, dead-lettered, redriven, backfilled, replayed to a subscriber',
    (command) =>
      command
        .argument('<subscriber>', 'subscriber id, e.g. public-security@3301')
        .option('--from <day>', 'first day, China time (default: today)')
        .option('--to <day>', 'last day (default: --from)')
        .option('--json', 'print the JSON answer of GET /v1/deliveries'),
    async (target, options: DeliveriesOptions, subscriber = '') => {
      queuesOf(target, subscriber);
      const from = options.from ?? chinaDateOf(new Date().toISOString());
      const to = options.to ?? from;
      if (!DAY.test(from) || !DAY.test(to) || to < from)
        throw new UsageError('--from and --to are days, YYYY-MM-DD, from ≤ to');
      const cloudWatch = target.kind === 'aws' ? new CloudWatchClient(target.clientConfig('sqs')) : undefined;
      try {
        const log = await subscriberDeliveries(subscriber, from, to, {
          deliveries: new DeliveryLog(target.dynamoDb, target.tableName),
          metrics:
            cloudWatch === undefined ? undefined : new RuleDeliveryMetrics(cloudWatch, target.eventBusName),
        });
        if (options.json) {
          console.log(JSON.stringify(log, null, 2));
          return 0;
        }
        console.log(`${subscriber} on the ${target.label}, ${from} to ${to}`);
        const rows = [...log.days, { day: 'total', eventType: '', ...log.totals }];
        console.log(
          table(
            ['day', 'event type', ...DELIVERY_OUTCOMES],
            rows.map((row) => [
              row.day,
              row.eventType,
              ...DELIVERY_OUTCOMES.map((outcome) => String(row[outcome])),
            ]),
          ),
        );
        return 0;
      } finally {
        cloudWatch?.destroy();
      }
    },
  );
}
