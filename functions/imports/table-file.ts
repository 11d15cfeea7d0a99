import { pipeline, Readable, Transform } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import type { ImportContentType, ImportEncoding } from '#api/import-api.ts';
import { CSV_CONTENT_TYPE } from '#api/import-api.ts';
import type { CellValue } from '#schemas/tabular.ts';

/*
 * Reading an uploaded file as rows of cells, streamed: CSV (UTF-8 with or without BOM, or GB18030/GBK,
 * detected or named) through csv-parse, XLSX through exceljs's streaming WorkbookReader. Each row comes with
 * the number the spreadsheet shows it under (the header is row 1); empty rows are skipped by the caller.
 */

export type FileProblemCode =
  | 'FILE_EMPTY'
  | 'FILE_TYPE_MISMATCH'
  | 'FILE_ENCRYPTED'
  | 'FILE_CORRUPT'
  | 'FILE_ENCODING'
  | 'SHEET_NOT_FOUND';

/** A file that cannot be read as its content type says: nothing of it is stored. */
export class FileProblem extends Error {
  readonly code: FileProblemCode;
  constructor(code: FileProblemCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FileProblem';
    this.code = code;
  }
}

export interface TableFile {
  contentType: ImportContentType;
  /** CSV only: the text encoding; detected from the bytes when omitted. */
  encoding?: ImportEncoding | undefined;
  /** XLSX only: the sheet to read; the first sheet when omitted. */
  sheet?: string | undefined;
  /** Opens the file from its start; called once per pass. */
  open(): Promise<Readable>;
}

export interface TableRow {
  /** The row's number in the spreadsheet (1 is the header). */
  number: number;
  cells: CellValue[];
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** An OLE2 compound file: an encrypted (password-protected) OOXML workbook, or an old binary .xls. */
const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const SNIFF_BYTES = 64 * 1024;

/** Every row of the file, the header first; throws FileProblem for a file that is not what it claims. */
export async function* readTable(file: TableFile): AsyncGenerator<TableRow> {
  const { head, stream } = await peek(await file.open(), SNIFF_BYTES);
  if (head.length === 0) throw new FileProblem('FILE_EMPTY', 'The file is empty.');
  if (file.contentType === CSV_CONTENT_TYPE) yield* readCsv(head, stream, file.encoding);
  else yield* readXlsx(head, stream, file.sheet);
}

/** The first `bytes` bytes (or all, if fewer) and a stream of the whole file again. */
async function peek(source: Readable, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (size < bytes) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    chunks.push(chunk);
    size += chunk.length;
  }
  const head = Buffer.concat(chunks);
  async function* all() {
    if (head.length > 0) yield head;
    if (ended) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { head: head.subarray(0, bytes), stream: Readable.from(all(), { objectMode: false }) };
}

const startsWith = (bytes: Buffer, magic: Buffer): boolean =>
  bytes.length >= magic.length && bytes.subarray(0, magic.length).equals(magic);

function detectEncoding(head: Buffer): ImportEncoding {
  if (startsWith(head, UTF8_BOM)) return 'utf-8';
  try {
    // `stream: true`: the sample may end inside a character.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/** Bytes to text, refusing bytes that are not text in that encoding (rather than replacing them). */
function decoder(encoding: ImportEncoding): Transform {
  const textDecoder = new TextDecoder(encoding, { fatal: true });
  const fail = (error: unknown) =>
    new FileProblem(
      'FILE_ENCODING',
      `The file is not valid ${encoding.toUpperCase()} text; save it as "CSV UTF-8" or name the ` +
        'encoding (encoding=utf-8 or encoding=gb18030).',
      { cause: error },
    );
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _encoding, done) {
      try {
        done(null, textDecoder.decode(chunk, { stream: true }));
      } catch (error) {
        done(fail(error));
      }
    },
    flush(done) {
      try {
        done(null, textDecoder.decode());
      } catch (error) {
        done(fail(error));
      }
    },
  });
}

async function* readCsv(
  head: Buffer,
  stream: Readable,
  named: ImportEncoding | undefined,
): AsyncGenerator<TableRow> {
  if (startsWith(head, ZIP_MAGIC) || startsWith(head, CFB_MAGIC) || head.includes(0)) {
    throw new FileProblem(
      'FILE_TYPE_MISMATCH',
      'The file was sent as text/csv but is binary (a workbook?): send an .xlsx as ' +
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, or save it as CSV.',
    );
  }
  const encoding = named ?? detectEncoding(head);
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: false });
  // pipeline passes a failure of any stage (unreadable bytes, say) on to the parser's reader.
  const rows = pipeline(stream, decoder(encoding), parser, () => undefined);
  let number = 0;
  try {
    for await (const record of rows as AsyncIterable<string[]>) {
      number += 1;
      yield { number, cells: record };
    }
  } catch (error) {
    if (error instanceof FileProblem) throw error;
    if (error instanceof CsvError) {
      throw new FileProblem('FILE_CORRUPT', `The CSV cannot be read after row ${number}: ${error.code}.`, {
        cause: error,
      });
    }
    throw error;
  }
}

async function* readXlsx(
  head: Buffer,
  stream: Readable,
  sheet: string | undefined,
): AsyncGenerator<TableRow> {
  if (startsWith(head, CFB_MAGIC)) {
    throw new FileProblem(
      'FILE_ENCRYPTED',
      'The workbook is password-protected (or an old .xls): save it as .xlsx without a password.',
    );
  }
  if (!startsWith(head, ZIP_MAGIC)) {
    throw new FileProblem(
      'FILE_TYPE_MISMATCH',
      'The file was sent as an .xlsx workbook but is not one: send a CSV as text/csv, or save it as .xlsx.',
    );
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Styles tell date cells from numbers.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const seen: string[] = [];
  try {
    for await (const worksheet of reader) {
      const name = (worksheet as unknown as { name?: string }).name ?? `Sheet${seen.length + 1}`;
      seen.push(name);
      const wanted = sheet === undefined ? seen.length === 1 : name === sheet;
      for await (const row of worksheet) {
        if (wanted) yield { number: row.number, cells: cellsOf(row.values) };
      }
      if (wanted) return;
    }
  } catch (error) {
    if (error instanceof FileProblem) throw error;
    throw new FileProblem(
      'FILE_CORRUPT',
      'The workbook is damaged and cannot be read; save it again as .xlsx.',
      {
        cause: error,
      },
    );
  } finally {
    stream.destroy();
  }
  if (seen.length === 0) throw new FileProblem('FILE_EMPTY', 'The workbook has no sheet.');
  throw new FileProblem(
    'SHEET_NOT_FOUND',
    `The workbook has no sheet "${sheet}"; its sheets: ${seen.map((s) => `"${s}"`).join(', ')}.`,
  );
}

/** exceljs row values (1-based, sparse) as plain cells: rich text joined, formulas' results, links' text. */
function cellsOf(values: unknown): CellValue[] {
  if (!Array.isArray(values)) return [];
  const cells: CellValue[] = [];
  for (let i = 1; i < values.length; i += 1) cells.push(cellOf(values[i]));
  return cells;
}

function cellOf(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value;
  if (typeof value === 'object') {
    const cell = value as {
      richText?: { text: string }[];
      result?: unknown;
      formula?: string;
      sharedFormula?: string;
      text?: unknown;
      error?: string;
    };
    if (Array.isArray(cell.richText)) return cell.richText.map((part) => part.text).join('');
    if ('formula' in cell || 'sharedFormula' in cell) return cellOf(cell.result);
    if (cell.error !== undefined) return cell.error;
    if (cell.text !== undefined) return cellOf(cell.text);
  }
  return String(value);
}
