import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { targetCommand } from '../command.ts';
import { maskedBody } from '../output.ts';
import { receive, release, remove } from '../queues.ts';
import { queuesOf } from '../target.ts';
import { positiveInteger } from './arguments.ts';

/** Pause before receiving again when only messages already printed came back. */
const RELOOK_MS = 5_000;

interface TailOptions {
  delete?: boolean;
  max?: number;
  idle?: number;
  deadLetters?: boolean;
}

/**
 * `hub tail SUBSCRIBER`: follows a queue and prints each message masked. Looking is a receive (SQS has no
 * peek): the messages are made visible again at once, unless `--delete`, and each look adds one to their
 * receive count (past the queue's maxReceiveCount they move to the dead-letter queue).
 */
export function registerTail(program: Command): void {
  targetCommand(
    program,
    'tail',
    "follow a subscriber's queue, printing each message masked (left in place unless --delete)",
    (command) =>
      command
        .argument('<subscriber>', 'subscriber id, e.g. public-security or public-security@3301')
        .option('--delete', 'delete each message after printing it (consume the queue)')
        .option('--dead-letters', "follow the subscriber's dead-letter queue instead")
        .option('--max <n>', 'stop after this many messages', positiveInteger)
        .option('--idle <seconds>', 'stop after this many seconds without a message', positiveInteger),
    async (target, options: TailOptions, subscriber = '') => {
      const queues = queuesOf(target, subscriber);
      const queueUrl = options.deadLetters ? queues.deadLetterQueueUrl : queues.queueUrl;
      const seen = new Set<string>();
      let printed = 0;
      let idleSince = Date.now();
      let stopped = false;
      process.once('SIGINT', () => {
        stopped = true;
      });
      while (!stopped && (options.max === undefined || printed < options.max)) {
        if (options.idle !== undefined && Date.now() - idleSince >= options.idle * 1000) break;
        const waitSeconds = options.idle === undefined ? 20 : Math.min(20, options.idle);
        // Hidden while we print; a message seen already (we released it) is not printed twice.
        const received = await receive(target, queueUrl, { waitSeconds, visibilitySeconds: 30 });
        const fresh = received.filter((message) => !seen.has(message.MessageId ?? ''));
        const shown = fresh.slice(0, options.max === undefined ? undefined : options.max - printed);
        for (const message of shown) {
          seen.add(message.MessageId ?? '');
          console.log(JSON.stringify(maskedBody(message)));
        }
        printed += shown.length;
        if (shown.length > 0) idleSince = Date.now();
        if (options.delete) await remove(target, queueUrl, shown);
        await release(
          target,
          queueUrl,
          received.filter((message) => !(options.delete && shown.includes(message))),
        );
        // Only messages shown already came back: each look is a receive, so look again only after a while.
        if (shown.length === 0 && received.length > 0)
          await sleep(Math.min(RELOOK_MS, (options.idle ?? 5) * 1000));
      }
      return 0;
    },
  );
}
