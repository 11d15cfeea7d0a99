import type { Command } from 'commander';
import { DeliveryLog, DeliveryTally } from '#functions/adapters/delivery-log.ts';
import { targetCommand } from '../command.ts';
import { describeDeadLetter, redriveBody } from '../dead-letters.ts';
import { EXIT } from '../errors.ts';
import { receive, remove } from '../queues.ts';
import { rulesOf } from '../rules.ts';
import { rateLimiter, sendBatch } from '../send.ts';
import { queuesOf } from '../target.ts';
import { positiveInteger } from './arguments.ts';

interface RedriveOptions {
  maxPerSecond: number;
  max?: number;
}

/**
 * `hub redrive SUBSCRIBER`: moves the dead letters back to the subscriber's queue, bus failures projected by
 * its rules first (cli/dead-letters.ts), at most `--max-per-second`, and deletes each from the DLQ only once
 * it is on the queue. The same code on AWS and locally (the emulator has no StartMessageMoveTask, and on AWS
 * that call would move bus failures unprojected). What cannot be moved stays in the DLQ and is counted.
 */
export function registerRedrive(program: Command): void {
  targetCommand(
    program,
    'redrive',
    "move a subscriber's dead letters back to its queue; exit 1 if some could not be moved",
    (command) =>
      command
        .argument('<subscriber>', 'subscriber id, e.g. public-security@3301')
        .option('--max-per-second <n>', 'move at most this many messages a second', positiveInteger, 100)
        .option('--max <n>', 'move at most this many messages', positiveInteger),
    async (target, options: RedriveOptions, subscriber = '') => {
      const queues = queuesOf(target, subscriber);
      const rules = await rulesOf(target, subscriber);
      const tally = new DeliveryTally(new DeliveryLog(target.dynamoDb, target.tableName));
      const limit = rateLimiter(options.maxPerSecond);
      let moved = 0;
      let kept = 0;
      for (;;) {
        const room = options.max === undefined ? 10 : Math.min(10, options.max - moved - kept);
        if (room <= 0) break;
        // Hidden for a while: what cannot be moved now is not received again in this run.
        const batch = (
          await receive(target, queues.deadLetterQueueUrl, { waitSeconds: 1, visibilitySeconds: 300 })
        ).slice(0, room);
        if (batch.length === 0) break;
        const entries = batch.flatMap((message, index) => {
          const body = redriveBody(message, rules);
          return body === undefined ? [] : [{ Id: String(index), MessageBody: body }];
        });
        await limit(entries.length);
        const unsent = new Set(await sendBatch(target, queues.queueUrl, entries));
        const sent = batch.filter(
          (_, index) => entries.some((e) => e.Id === String(index)) && !unsent.has(String(index)),
        );
        await remove(target, queues.deadLetterQueueUrl, sent);
        for (const message of sent)
          tally.count(subscriber, describeDeadLetter(message).eventType, 'redriven');
        moved += sent.length;
        kept += batch.length - sent.length;
      }
      await tally.flush();
      console.log(
        `redrive ${subscriber}: ${moved} moved back to its queue, ${kept} left in the dead-letter queue`,
      );
      return kept > 0 ? EXIT.failed : EXIT.ok;
    },
  );
}
