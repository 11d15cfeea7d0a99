import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Command } from 'commander';
import { chinaDateOf } from '#domain/dates.ts';
import { DeliveryLog } from '#functions/adapters/delivery-log.ts';
import { RuleDeliveryMetrics } from '#functions/adapters/delivery-metrics.ts';
import { subscriberDeliveries } from '#functions/query/deliveries.ts';
import { targetCommand } from '../command.ts';
import { table } from '../output.ts';
import { queueStats } from '../queues.ts';

/**
 * `hub status`: per subscriber its queue depth, oldest message age and dead-letter depth, and today's flow
 * from the delivery log (delivered and dead-lettered since midnight, China time).
 */
export function registerStatus(program: Command): void {
  targetCommand(
    program,
    'status',
    "each subscriber's queue depth, oldest message age, dead-letter depth and today's deliveries",
    (command) => command.option('--json', 'print JSON instead of a table'),
    async (target, options: { json?: boolean }) => {
      const today = chinaDateOf(new Date().toISOString());
      const cloudWatch = target.kind === 'aws' ? new CloudWatchClient(target.clientConfig('sqs')) : undefined;
      const deps = {
        deliveries: new DeliveryLog(target.dynamoDb, target.tableName),
        metrics:
          cloudWatch === undefined ? undefined : new RuleDeliveryMetrics(cloudWatch, target.eventBusName),
      };
      try {
        const rows = await Promise.all(
          [...target.subscribers].map(async ([subscriber, queues]) => {
            const [queue, deadLetters, flow] = await Promise.all([
              queueStats(target, queues.queueUrl),
              queueStats(target, queues.deadLetterQueueUrl),
              subscriberDeliveries(subscriber, today, today, deps),
            ]);
            return {
              subscriber,
              waiting: queue.waiting,
              inFlight: queue.inFlight,
              oldestAgeSeconds: queue.oldestAgeSeconds ?? null,
              deadLetters: deadLetters.waiting + deadLetters.inFlight,
              today: flow.totals,
            };
          }),
        );
        if (options.json) {
          console.log(JSON.stringify({ target: target.label, day: today, subscribers: rows }, null, 2));
          return 0;
        }
        console.log(`${target.label}, today ${today} (China time)`);
        console.log(
          table(
            [
              'subscriber',
              'waiting',
              'in flight',
              'oldest',
              'dead letters',
              'delivered today',
              'dead-lettered today',
            ],
            rows.map((row) => [
              row.subscriber,
              String(row.waiting),
              String(row.inFlight),
              row.oldestAgeSeconds === null ? '-' : `${row.oldestAgeSeconds}s`,
              String(row.deadLetters),
              String(row.today.delivered),
              String(row.today.deadLettered),
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
