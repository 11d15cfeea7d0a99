import { MAX_IMPORT_ROWS } from '#api/import-api.ts';
import type { RecordKind } from '#schemas/index.ts';
import { type ColumnProblem, type ImportColumn, isBlankRow, mapColumns } from '#schemas/tabular.ts';
import { FileProblem, readTable, type TableFile, type TableRow } from './table-file.ts';

/** The header row names no field, one field twice, or misses a required one: nothing is imported. */
export class ColumnsProblem extends Error {
  readonly problems: ColumnProblem[];
  readonly accepted: string[];
  constructor(problems: ColumnProblem[], accepted: string[]) {
    super(`${problems.length} problem(s) with the header row`);
    this.name = 'ColumnsProblem';
    this.problems = problems;
    this.accepted = accepted;
  }
}

/** More data rows than one import takes. */
export class TooManyRowsProblem extends Error {
  constructor() {
    super(
      `The file has more than ${MAX_IMPORT_ROWS.toLocaleString('en')} data rows; split it into several imports.`,
    );
    this.name = 'TooManyRowsProblem';
  }
}

export interface Table {
  columns: ImportColumn[];
  /** The data rows (after the header, empty rows skipped), in file order. */
  rows: AsyncGenerator<TableRow>;
}

/** The columns of the file's header row (its first non-empty row) and its data rows. */
export async function openTable(file: TableFile, kind: RecordKind): Promise<Table> {
  const all = readTable(file);
  let header: TableRow | undefined;
  for (let next = await all.next(); !next.done; next = await all.next()) {
    if (!isBlankRow(next.value.cells)) {
      header = next.value;
      break;
    }
  }
  if (header === undefined) throw new FileProblem('FILE_EMPTY', 'The file has no header row.');
  const mapping = mapColumns(kind, header.cells);
  if (!mapping.ok) {
    await all.return(undefined);
    throw new ColumnsProblem(mapping.problems, mapping.accepted);
  }
  async function* rows() {
    for await (const row of all) if (!isBlankRow(row.cells)) yield row;
  }
  return { columns: mapping.columns, rows: rows() };
}

/** Reads the whole file once: its header is valid, it is readable to the end, and it has this many rows. */
export async function countRows(file: TableFile, kind: RecordKind): Promise<number> {
  const table = await openTable(file, kind);
  let total = 0;
  for await (const _row of table.rows) {
    total += 1;
    if (total > MAX_IMPORT_ROWS) {
      await table.rows.return(undefined);
      throw new TooManyRowsProblem();
    }
  }
  if (total === 0) throw new FileProblem('FILE_EMPTY', 'The file has a header row but no data rows.');
  return total;
}
