import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_CONTENT_TYPE } from '#api/import-api.ts';
import { uploadKey } from '#functions/adapters/import-files.ts';
import { type ImportCounts, ImportStore } from '#functions/adapters/import-store.ts';
import { RecordStore } from '#functions/adapters/record-store.ts';
import type { RecordItem } from '#functions/adapters/store-items.ts';
import { type ImportWorkerDeps, runImport } from '#functions/imports/run-import.ts';
import { ensureTable, localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { IMPORTS_TABLE, RECORDS_TABLE } from '#local/emulators/table-definition.ts';
import { type LocalImportFiles, startLocalImportFiles } from '#local/import-files.ts';
import { csvFile, REGISTRATION_HEADERS, registrationRow } from '../../helpers/import-files.ts';

// An import interrupted twice — once in the middle of a chunk's writes, once after a chunk was written but
// before it was counted — and run again to the end: every row stored once, every row counted once.

const IMPORT_ID = '0b6f6f0e-5a1c-4c39-9a55-2f1a1d7c0001';
const ROWS = 1_250; // chunks of 500, 500 and 250
/** Every 50th row repeats the row before it (same person, same fact): unchanged. */
const isRepeat = (n: number) => n % 50 === 0;
/** Every 97th row has a mistyped ID number: rejected. */
const isBad = (n: number) => n % 97 === 0 && !isRepeat(n);

function row(n: number): string[] {
  if (isRepeat(n)) return registrationRow(n - 1);
  const cells = registrationRow(n);
  if (isBad(n)) cells[0] = `${cells[0]?.slice(0, 17)}${cells[0]?.endsWith('1') ? '2' : '1'}`;
  return cells;
}

/** A record store that fails every write once `putsLeft` writes have gone through (as a store that went away). */
class DyingRecordStore extends RecordStore {
  putsLeft: number;
  constructor(client: DynamoDBClient, putsLeft: number) {
    super(client, RECORDS_TABLE.tableName);
    this.putsLeft = putsLeft;
  }
  override async putRecord(item: RecordItem, expectedVersion: number): Promise<void> {
    if (this.putsLeft <= 0) throw new Error('killed');
    this.putsLeft -= 1;
    return super.putRecord(item, expectedVersion);
  }
}

/** An import store that dies right before it counts a chunk. */
class DyingBeforeCountStore extends ImportStore {
  override async advance(): Promise<boolean> {
    throw new Error('killed');
  }
}

let emulator: DynamoDbEmulator;
let client: DynamoDBClient;
let dir: string;
let files: LocalImportFiles;

beforeAll(async () => {
  emulator = await startDynamoDb();
  client = localDynamoDbClient(emulator.endpoint);
  await ensureTable(client, RECORDS_TABLE);
  await ensureTable(client, IMPORTS_TABLE);
  dir = await mkdtemp(join(tmpdir(), 'import-resume-'));
  files = await startLocalImportFiles({ dir, onLanded: () => undefined });
});

afterAll(async () => {
  await files?.close();
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('an interrupted import, run again', () => {
  it('stores every row once and counts every row once', async () => {
    // Prepare
    const imports = new ImportStore(client, IMPORTS_TABLE.tableName);
    await imports.create({
      importId: IMPORT_ID,
      kind: 'residence-registration',
      submitterId: 'property-manager-west-lake',
      role: 'property-manager',
      contentType: CSV_CONTENT_TYPE,
      fileKey: uploadKey(IMPORT_ID),
      requestHash: 'test',
      createdAt: new Date().toISOString(),
    });
    const rows = Array.from({ length: ROWS }, (_, i) => row(i + 1));
    await files.put(
      uploadKey(IMPORT_ID),
      csvFile([REGISTRATION_HEADERS, ...rows], 'utf-8-bom'),
      CSV_CONTENT_TYPE,
    );
    const deps = (store: RecordStore, importStore: ImportStore): ImportWorkerDeps => ({
      imports: importStore,
      files,
      ingest: { store, personKeySecret: 'resume-secret' },
    });
    const always = () => true;

    // Act: the store fails 200 writes into the second chunk; then the run dies after the second chunk is stored, before it is counted
    await expect(
      runImport(IMPORT_ID, deps(new DyingRecordStore(client, 480 + 200), imports), always),
    ).rejects.toThrow('the store failed to take');
    const afterFirstCrash = await imports.get(IMPORT_ID);
    const dyingCount = new DyingBeforeCountStore(client, IMPORTS_TABLE.tableName);
    await expect(
      runImport(IMPORT_ID, deps(new RecordStore(client, RECORDS_TABLE.tableName), dyingCount), always),
    ).rejects.toThrow('killed');
    const afterSecondCrash = await imports.get(IMPORT_ID);
    const outcome = await runImport(
      IMPORT_ID,
      deps(new RecordStore(client, RECORDS_TABLE.tableName), imports),
      always,
    );

    // Assess
    expect(afterFirstCrash).toMatchObject({ status: 'running', total: ROWS, processed: 500 });
    expect(afterSecondCrash).toMatchObject({ status: 'running', processed: 500 });
    expect(outcome).toBe('finished');
    const numbers = rows.map((_, i) => i + 1);
    const expected: ImportCounts = {
      accepted: numbers.filter((n) => !isRepeat(n) && !isBad(n)).length,
      unchanged: numbers.filter(isRepeat).length,
      rejected: numbers.filter(isBad).length,
    };
    expect(await imports.get(IMPORT_ID)).toMatchObject({ status: 'done', processed: ROWS, ...expected });

    const stored = await storedRecords();
    expect(stored.length).toBe(expected.accepted);
    expect(stored.every((item) => item.version === 1)).toBe(true);
    // Each stored fact names its rows as sources: the row that made it and, for a repeat, the repeating row.
    const sources = stored
      .flatMap((item) => item.provenance.flatMap((p) => [...new Set([p.firstSourceId, p.lastSourceId])]))
      .sort();
    const expectedSources = numbers.filter((n) => !isBad(n)).map((n) => `${IMPORT_ID}:${n + 1}`);
    expect(sources).toStrictEqual(expectedSources.sort());

    const report = [];
    for await (const lines of imports.errorLines(IMPORT_ID)) report.push(lines);
    const reportedRows = report
      .join('')
      .trim()
      .split('\n')
      .map((line) => Number(line.split(',')[0]));
    expect(reportedRows).toStrictEqual(numbers.filter(isBad).map((n) => n + 1));
  });
});

/** Every current record item in the table. */
async function storedRecords(): Promise<RecordItem[]> {
  const items: RecordItem[] = [];
  const pages = paginateScan({ client }, { TableName: RECORDS_TABLE.tableName });
  for await (const page of pages) {
    for (const raw of page.Items ?? []) {
      const item = unmarshall(raw);
      if (item.sk === 'RECORD') items.push(item as RecordItem);
    }
  }
  return items;
}
