import { MAX_IMPORT_BYTES } from '#api/import-api.ts';
import { ProblemError } from '#api/problems.ts';
import { FileProblem } from './table-file.ts';
import { ColumnsProblem, TooManyRowsProblem } from './table-rows.ts';

/** A file over the import limit, by its size in bytes. */
export function fileTooLarge(bytes: number): ProblemError {
  return new ProblemError(
    'PAYLOAD_TOO_LARGE',
    `The file has ${bytes} bytes; an import takes at most ${MAX_IMPORT_BYTES} (200 MB).`,
  );
}

/**
 * What is wrong with a file, as the problem the importer gets (POST answer or the import's `failure`), or
 * undefined for any other error (a fault of the hub, retried, never blamed on the file).
 */
export function importProblemOf(error: unknown): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  if (error instanceof FileProblem)
    return new ProblemError(error.code, error.message, undefined, { cause: error });
  if (error instanceof TooManyRowsProblem) return new ProblemError('TOO_MANY_ROWS', error.message);
  if (error instanceof ColumnsProblem) {
    const errors = error.problems.map((p) => ({
      path: p.column === '' ? '' : `${p.column}1`,
      code: p.code,
      message: p.message,
    }));
    const offending = error.problems.filter((p) => p.header !== '').map((p) => `"${p.header}"`);
    const detail =
      `Nothing was imported. ${offending.length > 0 ? `Offending headers: ${offending.join(', ')}. ` : ''}` +
      `${error.problems.filter((p) => p.code === 'COLUMN_MISSING').length} required field(s) without a column. ` +
      'acceptedColumns lists every header this kind accepts.';
    return new ProblemError('IMPORT_COLUMNS_INVALID', detail, errors, { acceptedColumns: error.accepted });
  }
  return undefined;
}
