import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { EVENT_KINDS, projectFor, routedEvent } from '#events/index.ts';
import { DeliveryLog, DeliveryTally } from '#functions/adapters/delivery-log.ts';
import { RecordStore, type ScanPosition } from '#functions/adapters/record-store.ts';
import { SQS_BATCH_MAX_ENTRIES } from '#functions/adapters/service-limits.ts';
import type { RecordItem } from '#functions/adapters/store-items.ts';
import { changeEventOf, endedOnBefore } from '#functions/publish/publish-changes.ts';
import { targetCommand } from '../command.ts';
import { EXIT, UsageError } from '../errors.ts';
import { rulesOf } from '../rules.ts';
import { sendBatch } from '../send.ts';
import { openSnapshot } from '../snapshot-file.ts';
import { queuesOf, type Target } from '../target.ts';
import { kindList, positiveInteger, time } from './arguments.ts';

interface BackfillOptions {
  kinds?: string[];
  since?: Date;
  toFile?: string;
  segments: number;
  restart?: boolean;
  checkpointDir: string;
}

/** What a run has done so far, kept after every page so a stopped run resumes where it was. */
interface Checkpoint {
  /** The run it belongs to: same subscriber, target and filters. */
  run: string;
  startedAt: string;
  segments: { after: ScanPosition }[];
  scanned: number;
  sent: number;
  failed: number;
}

/*
 * `hub backfill SUBSCRIBER`: the current version of every matching record, read from the store (the source
 * of truth; an EventBridge archive only holds what was published after it was created), projected by the
 * subscriber's own rules and sent to its queue only — with the id (`recordId:version`), version and type the
 * live event had, so a consumer de-duplicates what it has and keeps the highest version per record. The live
 * rule keeps delivering meanwhile: a record changed during the backfill arrives again, newer, by the bus.
 *
 * Where it runs: in this command, with the operator's credentials — a parallel Scan of the table (segments),
 * SendMessageBatch to the queue. No Lambda or Step Functions: the operator sees progress, stops and resumes
 * (a checkpoint per page). For a province-sized first load, `--to-file` writes the projection as NDJSON
 * instead (S3 on AWS), whose first line says from which moment the queue continues.
 */
export function registerBackfill(program: Command): void {
  targetCommand(
    program,
    'backfill',
    "send the current version of every matching record to one subscriber's queue (or --to-file), resumable",
    (command) =>
      command
        .argument('<subscriber>', 'subscriber id, e.g. public-security@3301')
        .option('--kinds <kinds>', `only these kinds, comma-separated (${EVENT_KINDS.join(', ')})`, kindList)
        .option(
          '--since <date>',
          'only records whose current version was stored at or after this day or time',
          time,
        )
        .option(
          '--to-file <path>',
          'write the projection as NDJSON to this file (s3://bucket/key on AWS) instead of the queue',
        )
        .option('--segments <n>', 'parallel scan segments', positiveInteger, 4)
        .option('--restart', 'ignore a checkpoint of an earlier run and start over')
        .option('--checkpoint-dir <dir>', 'where runs keep their checkpoints', '.hub-backfill'),
    async (target, options: BackfillOptions, subscriber = '') => {
      const queues = queuesOf(target, subscriber);
      const rules = await rulesOf(target, subscriber);
      const kinds = [...new Set(rules.map((rule) => rule.kind))].filter(
        (kind) => options.kinds === undefined || options.kinds.includes(kind),
      );
      if (kinds.length === 0)
        throw new UsageError(`${subscriber} receives none of the kinds ${options.kinds?.join(', ')}`);
      const prefixes = rules.flatMap(
        (rule) => rule.eventPattern.detail.divisionCode?.map((p) => p.prefix) ?? [],
      );
      const filter = {
        kinds,
        ...(prefixes.length > 0 ? { divisionPrefixes: [...new Set(prefixes)] } : {}),
        ...(options.since === undefined ? {} : { changedSince: options.since.toISOString() }),
      };
      const run = JSON.stringify({
        target: target.label,
        subscriber,
        filter,
        toFile: options.toFile ?? null,
      });
      const checkpointFile = join(
        options.checkpointDir,
        `${encodeURIComponent(`${target.label}-${subscriber}`)}.json`,
      );
      const kept = options.restart ? undefined : await readCheckpoint(checkpointFile, run);
      const checkpoint: Checkpoint = kept ?? {
        run,
        startedAt: new Date().toISOString(),
        segments: Array.from({ length: options.segments }, () => ({ after: undefined })),
        scanned: 0,
        sent: 0,
        failed: 0,
      };
      if (kept) console.error(`resuming the run started ${kept.startedAt} (${kept.sent} sent so far)`);

      const store = new RecordStore(target.dynamoDb, target.tableName);
      const tally = new DeliveryTally(new DeliveryLog(target.dynamoDb, target.tableName));
      const snapshot =
        options.toFile === undefined ? undefined : openSnapshot(target, options.toFile, kept !== undefined);
      if (snapshot && !kept) {
        // The position from which the queue continues: every change stored from this moment on is delivered live.
        await snapshot.write(
          JSON.stringify({
            snapshotOf: subscriber,
            liveFrom: checkpoint.startedAt,
            queueUrl: queues.queueUrl,
          }),
        );
      }
      const bar = new SingleBar({
        format: `backfill ${subscriber} [{bar}] {percentage}% | scanned {value}/{total} | sent {sent}`,
        stream: process.stderr,
      });
      bar.start(await approximateItems(target), checkpoint.scanned, { sent: checkpoint.sent });
      await mkdir(options.checkpointDir, { recursive: true });

      /** Projects a page's records and sends them; returns how many went out and how many could not. */
      const deliver = async (items: RecordItem[]): Promise<{ sent: number; failed: number }> => {
        const messages: { id: string; type: string; body: string }[] = [];
        for (const item of items) {
          const before =
            item.endedOn === undefined
              ? undefined
              : await endedOnBefore(store, item.kind, item.recordId, item.version);
          const { entry } = changeEventOf(item, before);
          const body = projectFor(rules, routedEvent(entry.DetailType, JSON.parse(entry.Detail)));
          if (body !== undefined)
            messages.push({ id: String(messages.length), type: entry.DetailType, body });
        }
        let failed = new Set<string>();
        if (snapshot) {
          for (const message of messages) await snapshot.write(message.body);
        } else {
          for (let start = 0; start < messages.length; start += SQS_BATCH_MAX_ENTRIES) {
            const batch = messages.slice(start, start + SQS_BATCH_MAX_ENTRIES);
            const unsent = await sendBatch(
              target,
              queues.queueUrl,
              batch.map((message) => ({ Id: message.id, MessageBody: message.body })),
            );
            failed = new Set([...failed, ...unsent]);
          }
        }
        for (const message of messages)
          if (!failed.has(message.id)) tally.count(subscriber, message.type, 'backfilled');
        await tally.flush();
        return { sent: messages.length - failed.size, failed: failed.size };
      };

      let saving = Promise.resolve();
      await Promise.all(
        checkpoint.segments.map(async (segment, index) => {
          while (segment.after !== null) {
            const page = await store.scanCurrentRecords(
              { index, total: checkpoint.segments.length, after: segment.after ?? undefined },
              filter,
            );
            const { sent, failed } = await deliver(page.items);
            checkpoint.scanned += page.scanned;
            checkpoint.sent += sent;
            checkpoint.failed += failed;
            segment.after = page.next;
            bar.update(checkpoint.scanned, { sent: checkpoint.sent });
            saving = saving.then(() => writeFile(checkpointFile, JSON.stringify(checkpoint)));
            await saving;
          }
        }),
      );
      bar.stop();
      await snapshot?.close();
      await rm(checkpointFile, { force: true });
      const where = options.toFile ?? `the ${subscriber} queue`;
      console.log(
        `backfill ${subscriber}: ${checkpoint.sent} records to ${where}, ${checkpoint.failed} not sent, ` +
          `${checkpoint.scanned} items scanned; live events continue from ${checkpoint.startedAt}`,
      );
      return checkpoint.failed > 0 ? EXIT.failed : EXIT.ok;
    },
  );
}

async function readCheckpoint(file: string, run: string): Promise<Checkpoint | undefined> {
  try {
    const checkpoint = JSON.parse(await readFile(file, 'utf8')) as Checkpoint;
    return checkpoint.run === run ? checkpoint : undefined;
  } catch {
    return undefined;
  }
}

/** The table's item count (DynamoDB refreshes it about every six hours): the progress bar's scale. */
async function approximateItems(target: Target): Promise<number> {
  const { Table } = await target.dynamoDb.send(new DescribeTableCommand({ TableName: target.tableName }));
  return Table?.ItemCount ?? 0;
}
