import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeArchiveCommand,
  DescribeReplayCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { subscriberRules } from '#events/index.ts';
import { targetCommand } from '../command.ts';
import { EXIT, OperationError, UsageError } from '../errors.ts';
import { type AwsTarget, type LocalTarget, queuesOf } from '../target.ts';
import { time } from './arguments.ts';

interface ReplayOptions {
  from: Date;
  to: Date;
  name?: string;
}

type GivenOptions = Partial<Pick<ReplayOptions, 'from' | 'to'>> & Pick<ReplayOptions, 'name'>;

const POLL_MS = 5_000;

/**
 * `hub replay SUBSCRIBER --from T --to T`: the change events of a time range again, to that subscriber only,
 * each message marked `replay: <name>` and keeping its id. On AWS: EventBridge archive replay (the stack's
 * archive, available in the China regions too) with the subscriber's rules as the only targets (FilterArns).
 * Locally: the hub rebuilds the events from its history entries (`POST /_local/replay`).
 */
export function registerReplay(program: Command): void {
  targetCommand(
    program,
    'replay',
    'send the events of a time range again to one subscriber only, marked as a replay',
    (command) =>
      command
        .argument('<subscriber>', 'subscriber id, e.g. public-security@3301')
        .option('--from <time>', 'start of the range, required (YYYY-MM-DD or ISO time, included)', time)
        .option('--to <time>', 'end of the range, required (YYYY-MM-DD or ISO time, excluded)', time)
        .option('--name <name>', 'name of the replay (default: the subscriber and a timestamp)'),
    async (target, given: GivenOptions, subscriber = '') => {
      queuesOf(target, subscriber);
      const { from, to } = given;
      if (from === undefined || to === undefined) throw new UsageError('--from and --to are required');
      if (to <= from) throw new UsageError('--to must be after --from');
      const options: ReplayOptions = { ...given, from, to };
      const name =
        options.name ??
        `${subscriber.replace(/[@+]/g, '-')}-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
      if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(name)) throw new UsageError('--name: 1-64 of [.-_A-Za-z0-9]');
      return target.kind === 'local'
        ? replayLocally(target, subscriber, name, options)
        : replayFromArchive(target, subscriber, name, options);
    },
  );
}

async function replayLocally(target: LocalTarget, subscriber: string, name: string, options: ReplayOptions) {
  const response = await fetch(`${target.apiUrl}/_local/replay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      subscriber,
      name,
      from: options.from.toISOString(),
      to: options.to.toISOString(),
    }),
  });
  const answer = (await response.json()) as { replayed?: number; detail?: string };
  if (!response.ok)
    throw new OperationError(`the hub refused the replay: ${answer.detail ?? response.status}`);
  console.log(`replay ${name}: ${answer.replayed} events to ${subscriber}`);
  return EXIT.ok;
}

async function replayFromArchive(
  target: AwsTarget,
  subscriber: string,
  name: string,
  options: ReplayOptions,
) {
  const eventBridge = new EventBridgeClient(target.clientConfig('eventbridge'));
  try {
    const archive = await eventBridge.send(new DescribeArchiveCommand({ ArchiveName: target.archiveName }));
    const ruleArns = await Promise.all(
      subscriberRules(subscriber).map(async (rule) => {
        const { Arn } = await eventBridge.send(
          new DescribeRuleCommand({ Name: rule.ruleName, EventBusName: target.eventBusName }),
        );
        return Arn ?? '';
      }),
    );
    await eventBridge.send(
      new StartReplayCommand({
        ReplayName: name,
        EventSourceArn: archive.ArchiveArn,
        EventStartTime: options.from,
        EventEndTime: options.to,
        Destination: { Arn: archive.EventSourceArn, FilterArns: ruleArns },
      }),
    );
    const span = options.to.getTime() - options.from.getTime();
    const bar = new SingleBar({
      format: `replay ${name} [{bar}] {percentage}% | {state}`,
      stream: process.stderr,
    });
    bar.start(100, 0, { state: 'STARTING' });
    for (;;) {
      const replay = await eventBridge.send(new DescribeReplayCommand({ ReplayName: name }));
      const reached = replay.EventLastReplayedTime?.getTime() ?? options.from.getTime();
      bar.update(Math.round((100 * (reached - options.from.getTime())) / span), { state: replay.State });
      if (replay.State === 'COMPLETED') break;
      if (replay.State === 'FAILED' || replay.State === 'CANCELLED') {
        bar.stop();
        throw new OperationError(`replay ${name} ${replay.State}: ${replay.StateReason ?? ''}`);
      }
      await sleep(POLL_MS);
    }
    bar.stop();
    console.log(
      `replay ${name}: completed to ${subscriber} (${ruleArns.length} rules); counted as delivered by the rules' metrics`,
    );
    return EXIT.ok;
  } finally {
    eventBridge.destroy();
  }
}
