import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openChangeJournal, type PendingItem } from '#local/emulators/change-journal.ts';

const ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/records/stream/2024-01-01T00:00:00.000';

function item(n: number): PendingItem {
  return { tableName: 'records', keys: { pk: { S: `item-${n}` } }, oldImage: undefined, streamArn: ARN };
}

function record(n: number): DynamoDBRecord {
  return {
    eventName: 'INSERT',
    eventSourceARN: ARN,
    dynamodb: { Keys: { pk: { S: `item-${n}` } }, SequenceNumber: String(n).padStart(21, '0') },
  };
}

const segmentsIn = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.ndjson'));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'change-journal-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('change journal', () => {
  it('gives back committed records in order, writes never committed, and checkpoints', () => {
    // Prepare: a run that commits two writes, leaves a third open and dies writing a fourth line
    const first = openChangeJournal(dir);
    first.journal.commit(first.journal.begin([item(1)]), [record(1)]);
    first.journal.commit(first.journal.begin([item(2)]), [record(2)]);
    first.journal.begin([item(3)]);
    first.journal.checkpoint('publisher', record(1).dynamodb?.SequenceNumber ?? '');
    first.journal.close();
    const [segment] = segmentsIn(dir);
    appendFileSync(join(dir, segment ?? ''), '{"commit":3,"recor');

    // Act
    const { journal, recovered } = openChangeJournal(dir);
    journal.close();

    // Assess
    expect(recovered.records).toEqual([record(1), record(2)]);
    expect(recovered.interrupted).toEqual([{ id: 3, items: [item(3)] }]);
    expect(recovered.checkpoints).toEqual({ publisher: record(1).dynamodb?.SequenceNumber });
    expect(recovered.lastSequenceNumber).toBe(record(2).dynamodb?.SequenceNumber);
  });

  it('deletes a closed segment once every consumer has passed it and none of its writes is open', () => {
    // Prepare: tiny segments, so each write starts a new one
    const { journal } = openChangeJournal(dir, { segmentBytes: 1 });
    journal.commit(journal.begin([item(1)]), [record(1)]);
    const open = journal.begin([item(2)]);
    journal.commit(journal.begin([item(3)]), [record(3)]);
    const before = segmentsIn(dir).length;

    // Act
    journal.checkpoint('publisher', record(3).dynamodb?.SequenceNumber ?? '');
    const whileOpen = segmentsIn(dir).length;
    journal.commit(open, [record(4)]);
    journal.checkpoint('publisher', record(4).dynamodb?.SequenceNumber ?? '');
    journal.close();

    // Assess: the segments before the open write go first, the rest once it is committed and passed
    expect(whileOpen).toBeLessThan(before);
    expect(whileOpen).toBeGreaterThan(1);
    expect(segmentsIn(dir)).toHaveLength(1);
    expect(openChangeJournal(dir).recovered.records).toEqual([record(4)]);
  });

  it('deletes segments older than the retention even when a consumer lags', () => {
    let now = 0;
    const { journal } = openChangeJournal(dir, { segmentBytes: 1, retentionMs: 1_000, now: () => now });
    journal.commit(journal.begin([item(1)]), [record(1)]);
    journal.checkpoint('lagging', '0');

    now = 5_000;
    journal.commit(journal.begin([item(2)]), [record(2)]);
    journal.close();

    expect(openChangeJournal(dir).recovered.records).toEqual([record(2)]);
  });
});
