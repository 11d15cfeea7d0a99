import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Item } from './stream-records.ts';

// The durable half of the local stream, for a hub that keeps its data (--data-dir). DynamoDB Streams keeps
// a table's change records for 24 hours and each event source mapping keeps a checkpoint; locally the change
// feed lives in memory, so a kill -9 would lose every change not yet handed to its consumers. The journal
// is an append-only log in segment files:
//
// - `begin`: before the stream tap forwards a write, the items it may change and their images then (read
//   under the tap's per-item lock). A write whose outcome never reached the journal (the process died
//   between dynalite's commit and the next line) is settled on the next start by reading what it left.
// - `commit`: the write's change records, appended before the tap answers the write (and before the feed
//   delivers them); none when it failed or changed nothing.
// - `checkpoints.json`: each named consumer's last handled sequence number, saved after each batch; on
//   start a consumer gets every retained record after its checkpoint again (at least once, as a mapping
//   that restarts from its checkpoint does).
//
// Lines are written with one write(2) each and not fsync'd: the OS keeps them through a kill -9, not through
// a power cut, exactly as dynalite's LevelDB store keeps its items. A segment is deleted once every consumer
// has passed its records and none of its writes is still open, or after 24 hours, as DynamoDB trims a stream.

/** An item a write may change, with its image before the write (undefined: it did not exist). */
export interface PendingItem {
  tableName: string;
  keys: Item;
  oldImage: Item | undefined;
  streamArn: string;
}

export interface RecoveredJournal {
  /** Every retained change record, in sequence order. */
  records: DynamoDBRecord[];
  /** Writes begun but never committed: the process died in between. */
  interrupted: { id: number; items: PendingItem[] }[];
  /** Each named consumer's checkpoint: the sequence number of the last record it handled. */
  checkpoints: Record<string, string>;
  /** The highest sequence number retained, so new ones keep increasing. */
  lastSequenceNumber: string | undefined;
}

export interface ChangeJournal {
  /** Before a write is forwarded; returns the write's id for its commit. */
  begin(items: readonly PendingItem[]): number;
  /** After it, before it is answered: its change records (none when nothing changed). */
  commit(id: number, records: readonly DynamoDBRecord[]): void;
  /** A named consumer has handled everything up to this sequence number. */
  checkpoint(consumer: string, sequenceNumber: string): void;
  close(): void;
}

export interface JournalOptions {
  /** A segment is closed and a new one started past this size. @default 64 MiB */
  segmentBytes?: number;
  /** Closed segments older than this are deleted whatever the checkpoints say. @default 24 hours */
  retentionMs?: number;
  now?: () => number;
}

type Entry = { begin: number; items: PendingItem[] } | { commit: number; records: DynamoDBRecord[] };

interface Segment {
  file: string;
  /** The highest sequence number committed in it. */
  lastSequence: bigint | undefined;
  /** Writes begun in it and not yet committed: it is kept while there are any. */
  open: Set<number>;
  lastWriteAt: number;
}

const SEGMENT = /^(\d{12})\.ndjson$/;
const CHECKPOINTS = 'checkpoints.json';

export function openChangeJournal(
  dir: string,
  options: JournalOptions = {},
): { journal: ChangeJournal; recovered: RecoveredJournal } {
  const { segmentBytes = 64 * 1024 * 1024, retentionMs = 24 * 3_600_000, now = Date.now } = options;
  mkdirSync(dir, { recursive: true });
  const segments: Segment[] = [];
  const beganIn = new Map<number, Segment>();
  const pending = new Map<number, PendingItem[]>();
  const records: DynamoDBRecord[] = [];
  let lastId = 0;

  const names = readdirSync(dir)
    .filter((name) => SEGMENT.test(name))
    .sort();
  for (const name of names) {
    const file = join(dir, name);
    const segment: Segment = {
      file,
      lastSequence: undefined,
      open: new Set(),
      lastWriteAt: statSync(file).mtimeMs,
    };
    segments.push(segment);
    for (const entry of readEntries(segment.file)) {
      if ('begin' in entry) {
        lastId = Math.max(lastId, entry.begin);
        pending.set(entry.begin, entry.items);
        beganIn.set(entry.begin, segment);
        segment.open.add(entry.begin);
      } else {
        pending.delete(entry.commit);
        beganIn.get(entry.commit)?.open.delete(entry.commit);
        beganIn.delete(entry.commit);
        for (const record of entry.records) {
          records.push(record);
          segment.lastSequence = sequenceOf(record) ?? segment.lastSequence;
        }
      }
    }
  }
  const checkpoints = readCheckpoints(join(dir, CHECKPOINTS));

  // Every run appends to a segment of its own: an earlier run's last line may be torn.
  const lastNumber = names.length > 0 ? Number(SEGMENT.exec(names.at(-1) as string)?.[1]) : 0;
  let number = lastNumber;
  let current = startSegment();
  let written = 0;

  function startSegment(): { segment: Segment; fd: number } {
    number += 1;
    const segment: Segment = {
      file: join(dir, `${String(number).padStart(12, '0')}.ndjson`),
      lastSequence: undefined,
      open: new Set(),
      lastWriteAt: now(),
    };
    segments.push(segment);
    return { segment, fd: openSync(segment.file, 'a') };
  }

  function append(entry: Entry): Segment {
    if (written >= segmentBytes) {
      closeSync(current.fd);
      current = startSegment();
      written = 0;
      trim();
    }
    written += writeSync(current.fd, `${JSON.stringify(entry)}\n`);
    current.segment.lastWriteAt = now();
    return current.segment;
  }

  /** Deletes closed segments no consumer needs any more, oldest first. */
  function trim(): void {
    let handled: bigint | undefined; // what every consumer has handled
    for (const position of Object.values(checkpoints).map(BigInt)) {
      if (handled === undefined || position < handled) handled = position;
    }
    while (segments.length > 1 && segments[0] !== current.segment) {
      const oldest = segments[0] as Segment;
      if (oldest.open.size > 0) return;
      const passed =
        oldest.lastSequence === undefined || (handled !== undefined && oldest.lastSequence <= handled);
      if (!passed && now() - oldest.lastWriteAt < retentionMs) return;
      rmSync(oldest.file, { force: true });
      segments.shift();
    }
  }

  const journal: ChangeJournal = {
    begin(items) {
      lastId += 1;
      const segment = append({ begin: lastId, items: [...items] });
      segment.open.add(lastId);
      beganIn.set(lastId, segment);
      return lastId;
    },
    commit(id, committed) {
      const segment = append({ commit: id, records: [...committed] });
      beganIn.get(id)?.open.delete(id);
      beganIn.delete(id);
      const last = committed.at(-1);
      if (last) segment.lastSequence = sequenceOf(last) ?? segment.lastSequence;
    },
    checkpoint(consumer, sequenceNumber) {
      checkpoints[consumer] = sequenceNumber;
      const file = join(dir, CHECKPOINTS);
      writeFileAtomically(file, JSON.stringify(checkpoints));
      trim();
    },
    close() {
      closeSync(current.fd);
    },
  };

  trim();
  return {
    journal,
    recovered: {
      records,
      interrupted: [...pending].map(([id, items]) => ({ id, items })),
      checkpoints: { ...checkpoints },
      lastSequenceNumber: records.at(-1)?.dynamodb?.SequenceNumber,
    },
  };
}

/** The entries of a segment; a torn last line (the process died writing it) is left out. */
function readEntries(file: string): Entry[] {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  const entries: Entry[] = [];
  for (const [index, line] of lines.entries()) {
    try {
      entries.push(JSON.parse(line) as Entry);
    } catch {
      if (index < lines.length - 1) throw new Error(`${file}: line ${index + 1} is not a journal entry`);
    }
  }
  return entries;
}

function readCheckpoints(file: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

/** A new file under a temporary name, then renamed over the old: a crash leaves the old or the new whole. */
function writeFileAtomically(file: string, text: string): void {
  const temporary = `${file}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}

function sequenceOf(record: DynamoDBRecord): bigint | undefined {
  const sequence = record.dynamodb?.SequenceNumber;
  return sequence === undefined ? undefined : BigInt(sequence);
}
