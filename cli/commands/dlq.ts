import type { Message } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { targetCommand } from '../command.ts';
import { describeDeadLetter, maskRecordId } from '../dead-letters.ts';
import { table } from '../output.ts';
import { receive, release } from '../queues.ts';
import { queuesOf } from '../target.ts';
import { positiveInteger } from './arguments.ts';

/**
 * `hub dlq SUBSCRIBER`: what waits in the subscriber's dead-letter queue and why — cause, receive count,
 * first failure, event type, record id (masked); never a field of the record. Messages are received to be
 * read (SQS has no peek), hidden while the list is made and released at the end.
 */
export function registerDlq(program: Command): void {
  targetCommand(
    program,
    'dlq',
    "list what waits in a subscriber's dead-letter queue and why (no personal data printed)",
    (command) =>
      command
        .argument('<subscriber>', 'subscriber id, e.g. public-security@3301')
        .option('--max <n>', 'list at most this many', positiveInteger, 1000)
        .option('--json', 'print JSON lines instead of a table'),
    async (target, options: { max: number; json?: boolean }, subscriber = '') => {
      const { deadLetterQueueUrl } = queuesOf(target, subscriber);
      const seen: Message[] = [];
      try {
        while (seen.length < options.max) {
          const batch = await receive(target, deadLetterQueueUrl, { waitSeconds: 1, visibilitySeconds: 60 });
          if (batch.length === 0) break;
          seen.push(...batch);
        }
      } finally {
        await Promise.all(
          Array.from({ length: Math.ceil(seen.length / 10) }, (_, i) =>
            release(target, deadLetterQueueUrl, seen.slice(i * 10, i * 10 + 10)),
          ),
        );
      }
      const letters = seen.slice(0, options.max).map(describeDeadLetter);
      if (options.json) {
        for (const letter of letters)
          console.log(JSON.stringify({ ...letter, recordId: maskRecordId(letter.recordId) }));
        return 0;
      }
      console.log(`${subscriber}: ${letters.length} dead letter(s) on the ${target.label}`);
      if (letters.length > 0) {
        console.log(
          table(
            ['first failure', 'cause', 'reason', 'receives', 'event type', 'record', 'version'],
            letters.map((letter) => [
              letter.firstFailureAt,
              letter.cause,
              letter.reason,
              String(letter.receiveCount),
              letter.eventType,
              maskRecordId(letter.recordId),
              String(letter.version ?? ''),
            ]),
          ),
        );
      }
      return 0;
    },
  );
}
