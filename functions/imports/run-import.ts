import { stringify } from 'csv-stringify/sync';
import { MAX_IMPORT_BYTES } from '#api/import-api.ts';
import { problemDetailsOf } from '#api/problems.ts';
import { errorMessage, isErrorCode } from '#schemas/errors.ts';
import { normaliseRecord } from '#schemas/index.ts';
import { columnOfError, type ImportColumn, type RowError, rowRecord } from '#schemas/tabular.ts';
import type { ImportFiles } from '../adapters/import-files.ts';
import type { ImportCounts, ImportItem, ImportStore } from '../adapters/import-store.ts';
import { type SubmitDeps, submitRecords } from '../ingest/submit.ts';
import { logger } from '../runtime/logger.ts';
import { fileTooLarge, importProblemOf } from './import-problems.ts';
import type { TableFile, TableRow } from './table-file.ts';
import { countRows, openTable } from './table-rows.ts';

/** Rows stored per chunk: one submission's worth, and the unit of progress. */
export const CHUNK_ROWS = 500;

export interface ImportWorkerDeps {
  imports: ImportStore;
  files: ImportFiles;
  /** The ingest use case's dependencies: every chunk is one submission (functions/ingest/submit.ts). */
  ingest: SubmitDeps;
  now?: () => Date;
  /**
   * Awaited after each chunk. The local hub waits here while its in-memory change feed is far behind, as a
   * DynamoDB stream never needs to (it keeps 24 hours of changes).
   */
  pace?: () => Promise<void>;
}

/**
 * finished: done or failed (or it was already); paused: out of time, more rows to go (run again);
 * waiting: the file has not landed yet; missing: no such import; superseded: another run counted a chunk first.
 */
export type RunOutcome = 'finished' | 'paused' | 'waiting' | 'missing' | 'superseded';

/**
 * Imports a file's rows, chunk by chunk, from where the last run stopped. The first run reads the whole file
 * once (header, readability, row count) before storing anything, so a bad file fails with nothing stored.
 * Each chunk goes through the ingest use case as one submission, its error lines are stored, then its counts
 * and the rows processed move on in one conditional update: a chunk re-run after a crash writes no row twice
 * (source ids `<importId>:<row>` name one report each) and is counted once.
 */
export async function runImport(
  importId: string,
  deps: ImportWorkerDeps,
  hasTime: () => boolean,
): Promise<RunOutcome> {
  const now = deps.now ?? (() => new Date());
  const item = await deps.imports.get(importId);
  if (!item) return 'missing';
  if (item.status === 'done' || item.status === 'failed') return 'finished';
  const size = await deps.files.size(item.fileKey);
  if (size === undefined) return 'waiting';
  const file: TableFile = {
    contentType: item.contentType,
    encoding: item.encoding,
    sheet: item.sheet,
    open: () => deps.files.read(item.fileKey),
  };
  let running = item;
  if (item.status === 'queued') {
    try {
      if (size > MAX_IMPORT_BYTES) throw fileTooLarge(size);
      // A file sent as the request body was counted (and checked) before it was stored.
      const total = item.total ?? (await countRows(file, item.kind));
      await deps.imports.start(importId, total, now().toISOString());
    } catch (error) {
      const problem = importProblemOf(error);
      if (!problem) throw error;
      await deps.imports.finish(importId, now().toISOString(), problemDetailsOf(problem));
      logger.info('import failed', { importId, problem: problem.code });
      return 'finished';
    }
    const started = await deps.imports.get(importId);
    if (started?.status !== 'running') return 'superseded';
    running = started;
  }
  const outcome = await storeRows(running, file, deps, hasTime);
  if (outcome !== 'finished') return outcome;
  await deps.imports.finish(importId, now().toISOString());
  logger.info('import done', { importId, total: running.total });
  return 'finished';
}

async function storeRows(
  item: ImportItem,
  file: TableFile,
  deps: ImportWorkerDeps,
  hasTime: () => boolean,
): Promise<RunOutcome> {
  const { columns, rows } = await openTable(file, item.kind);
  let seen = 0;
  let processed = item.processed;
  let chunk: TableRow[] = [];
  const flush = async (): Promise<boolean> => {
    const counted = await storeChunk(item, columns, chunk, processed, deps);
    processed += chunk.length;
    chunk = [];
    await deps.pace?.();
    return counted;
  };
  try {
    for await (const row of rows) {
      seen += 1;
      if (seen <= processed) continue;
      chunk.push(row);
      if (chunk.length < CHUNK_ROWS) continue;
      if (!(await flush())) return 'superseded';
      if (!hasTime()) return 'paused';
    }
    if (chunk.length > 0 && !(await flush())) return 'superseded';
  } finally {
    await rows.return(undefined);
  }
  return 'finished';
}

/** The source id of a row: the import and the row's number in the spreadsheet. */
const rowSourceId = (importId: string, row: number) => `${importId}:${row}`;

/** Rows are stored in file order, so a row at or before the latest row of this import a record saw is stored. */
function rowAtOrBefore(sourceId: string, latest: string): boolean {
  const [importId, row] = sourceId.split(':');
  const [latestImport, latestRow] = latest.split(':');
  return importId === latestImport && Number(row) <= Number(latestRow);
}

/** Stores one chunk through the ingest use case; false when another run had counted it. */
async function storeChunk(
  item: ImportItem,
  columns: readonly ImportColumn[],
  rows: readonly TableRow[],
  from: number,
  deps: ImportWorkerDeps,
): Promise<boolean> {
  const errors: RowError[] = [];
  const entries: { row: number; entry: { kind: string; sourceId: string; data: unknown } }[] = [];
  for (const row of rows) {
    const { data, errors: cellErrors } = rowRecord(columns, row.cells);
    if (cellErrors.length === 0) {
      entries.push({
        row: row.number,
        entry: { kind: item.kind, sourceId: rowSourceId(item.importId, row.number), data },
      });
      continue;
    }
    // Refused for its cells; the rest of the row is still checked, except the fields those cells lost.
    const normalised = normaliseRecord(item.kind, data);
    const lost = new Set(cellErrors.map((e) => e.path));
    const more = normalised.ok ? [] : normalised.errors.filter((e) => !lost.has(e.path));
    errors.push(...cellErrors.map((e) => ({ row: row.number, ...e })));
    errors.push(...more.map((e) => ({ row: row.number, column: columnOfError(columns, e), ...e })));
  }
  const { submitterId, role, department, divisions } = item;
  const submitter = { submitterId, role, department, divisions };
  const submission = await submitRecords(
    entries.map((e) => e.entry),
    submitter,
    { ...deps.ingest, reportedBefore: rowAtOrBefore },
  );
  // A row the store failed to take is no fault of the file: the chunk is run again (the job is retried), and
  // the rows it stored meanwhile are recognised then.
  const failed = submission.results.filter((r) => r.errors.some((e) => e.code === 'WRITE_FAILED')).length;
  if (failed > 0) throw new Error(`the store failed to take ${failed} row(s); the chunk is run again`);
  const counts: ImportCounts = { accepted: 0, unchanged: 0, rejected: rows.length - entries.length };
  submission.results.forEach((result, index) => {
    counts[result.status] += 1;
    const row = entries[index]?.row ?? 0;
    for (const error of result.errors) {
      const fieldError = { ...error, path: error.path.replace(/^data\.?/, '') };
      errors.push({ row, column: columnOfError(columns, fieldError), ...fieldError });
    }
  });
  if (errors.length > 0) {
    errors.sort((a, b) => a.row - b.row);
    const lines = stringify(
      errors.map((e) => [e.row, e.column, e.path, e.code, e.message, chineseMessageOf(e.code)]),
    );
    await deps.imports.putErrors(item.importId, from, lines, item.createdAt);
  }
  return deps.imports.advance(item.importId, from, from + rows.length, counts);
}

/** The Chinese message of a row error's code (the English one carries the details: what was received). */
function chineseMessageOf(code: string): string {
  return isErrorCode(code) ? errorMessage(code, undefined, 'zh') : '';
}
