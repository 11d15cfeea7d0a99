import type { z } from 'zod';
import { errorMessage, type FieldError } from './errors.ts';
import { RECORD_KIND_DEFINITIONS, type RecordKind } from './index.ts';
import { type AliasTable, normaliseLabel } from './kinds/common/aliases.ts';

/*
 * Spreadsheets and CSV files of a record kind: which column headers a kind accepts, and how one row's cells
 * become the data object `normaliseRecord` takes. The headers are the labels the JSON input accepts
 * (the kind's alias table: 公民身份号码, 姓名, 居住地址 …) and the canonical paths (`person.idNumber`), so a
 * spreadsheet and a JSON submission are read by the one table. Pure: no I/O.
 */

/** What a spreadsheet cell holds once read: text, a number, a date cell (UTC midnight of its day), a boolean. */
export type CellValue = string | number | boolean | Date | null | undefined;

/** A column of the file that names a field: its position (0-based), its header as written, the field's path. */
export interface ImportColumn {
  index: number;
  header: string;
  path: readonly string[];
}

/** Why a header row cannot be imported; `column` is the spreadsheet's column letter. */
export interface ColumnProblem {
  column: string;
  header: string;
  code: 'COLUMN_UNKNOWN' | 'COLUMN_DUPLICATE' | 'COLUMN_MISSING';
  message: string;
}

export type ColumnMapping =
  | { ok: true; columns: ImportColumn[] }
  | { ok: false; problems: ColumnProblem[]; accepted: string[] };

/** One line of an import's error report: where in the file (row as the spreadsheet numbers it), what, why. */
export interface RowError {
  row: number;
  /** The column's header as written in the file, its letter for a cell under no header, '' for the record. */
  column: string;
  /** The field's canonical path, e.g. `person.idNumber`; '' for the record as a whole. */
  path: string;
  code: string;
  message: string;
}

interface KindColumns {
  /** Normalised header -> canonical path. */
  byHeader: ReadonlyMap<string, readonly string[]>;
  /** Every accepted header, canonical paths first, as documentation and in problems. */
  accepted: string[];
  /** Leaf fields the kind requires: some column must give the field or an object containing it. */
  required: (readonly string[])[];
}

type Shape = Record<string, z.ZodType>;

/** The fields of an object schema, through the wrappers a kind puts around it (optional, preprocess, refine). */
function objectShape(schema: z.ZodType): Shape | undefined {
  const def = schema._zod.def as {
    type: string;
    shape?: Shape;
    innerType?: z.ZodType;
    in?: z.ZodType;
    out?: z.ZodType;
  };
  if (def.type === 'object') return def.shape;
  if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') {
    return def.innerType && objectShape(def.innerType);
  }
  if (def.type === 'pipe') return (def.in && objectShape(def.in)) ?? (def.out && objectShape(def.out));
  return undefined;
}

const isOptional = (schema: z.ZodType): boolean => schema.safeParse(undefined).success;

/**
 * The paths a cell can fill (leaves, and objects given as one text such as an address) and the required
 * leaves, read from the kind's canonical fields and its alias table (which objects take a text).
 */
function walk(
  shape: Shape,
  textFields: ReadonlySet<string>,
  at: readonly string[],
  requiredHere: boolean,
  out: { cellPaths: (readonly string[])[]; required: (readonly string[])[] },
): void {
  for (const [field, schema] of Object.entries(shape)) {
    const path = [...at, field];
    const required = requiredHere && !isOptional(schema);
    const nested = objectShape(schema);
    if (nested === undefined) {
      out.cellPaths.push(path);
      if (required) out.required.push(path);
      continue;
    }
    if (textFields.has(path.join('.'))) out.cellPaths.push(path);
    walk(nested, textFields, path, required, out);
  }
}

const cache = new Map<RecordKind, KindColumns>();

/** The headers of a kind, computed once per kind. */
function kindColumns(kind: RecordKind): KindColumns {
  const cached = cache.get(kind);
  if (cached) return cached;
  const definition = RECORD_KIND_DEFINITIONS[kind];
  const textFields = new Set(
    Object.entries(definition.aliases as AliasTable).flatMap(([field, entry]) =>
      !Array.isArray(entry) && 'textField' in entry && entry.textField !== undefined ? [field] : [],
    ),
  );
  const out = { cellPaths: [] as (readonly string[])[], required: [] as (readonly string[])[] };
  walk(definition.fields.shape as Shape, textFields, [], true, out);
  const cellPaths = new Map(out.cellPaths.map((path) => [path.join('.'), path]));
  const byHeader = new Map<string, readonly string[]>();
  const accepted: string[] = [];
  for (const [dotted, path] of cellPaths) {
    byHeader.set(normaliseLabel(dotted), path);
    accepted.push(dotted);
  }
  const topFields = new Set(Object.keys(definition.fields.shape));
  for (const [label, dotted] of definition.labels) {
    // 'person.姓名' is a label inside the person object, not a header of its own.
    const inside = label.includes('.') && topFields.has(label.slice(0, label.indexOf('.')));
    const path = cellPaths.get(dotted);
    if (inside || path === undefined) continue;
    byHeader.set(normaliseLabel(label), path);
    accepted.push(label);
  }
  const columns = { byHeader, accepted, required: out.required };
  cache.set(kind, columns);
  return columns;
}

/** Every header a kind accepts: canonical paths (`person.idNumber`) and labels (`公民身份号码`). */
export function acceptedHeaders(kind: RecordKind): readonly string[] {
  return kindColumns(kind).accepted;
}

/** A field a column can give: its canonical path, whether the kind requires it, and its labels. */
export interface ColumnDoc {
  path: string;
  required: boolean;
  labels: string[];
}

/** The columns of a kind's spreadsheet, for documentation: every field a cell can fill, in schema order. */
export function importColumns(kind: RecordKind): ColumnDoc[] {
  const { accepted, required } = kindColumns(kind);
  const requiredPaths = new Set(required.map((path) => path.join('.')));
  const paths = accepted.filter(
    (header) => kindColumns(kind).byHeader.get(normaliseLabel(header))?.join('.') === header,
  );
  return paths.map((path) => ({
    path,
    // An object given as one text (an address) is required when a field in it is.
    required: [...requiredPaths].some((r) => r === path || r.startsWith(`${path}.`)),
    labels: headersOf(kind, path.split('.')).filter((header) => header !== path),
  }));
}

/** The headers that name a path: the path itself and its labels (for messages). */
function headersOf(kind: RecordKind, path: readonly string[]): string[] {
  const dotted = path.join('.');
  return kindColumns(kind).accepted.filter(
    (header) => kindColumns(kind).byHeader.get(normaliseLabel(header))?.join('.') === dotted,
  );
}

/** `A`, `B`, … `Z`, `AA`: the spreadsheet's letter of a 0-based column index. */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

const overlaps = (a: readonly string[], b: readonly string[]): boolean =>
  a.slice(0, Math.min(a.length, b.length)).every((segment, i) => segment === b[i]);

const cellText = (value: CellValue): string => (value === null || value === undefined ? '' : String(value));

/**
 * The columns of a header row, or every problem with it: headers no field of the kind is known by, two
 * headers for one field (or a field and the object holding it), required fields no header gives. Blank
 * headers are no column (cells under them must stay empty).
 */
export function mapColumns(kind: RecordKind, headers: readonly CellValue[]): ColumnMapping {
  const { byHeader, accepted, required } = kindColumns(kind);
  const columns: ImportColumn[] = [];
  const problems: ColumnProblem[] = [];
  headers.forEach((value, index) => {
    const header = cellText(value).trim();
    if (header === '') return;
    const column = columnLetter(index);
    const path = byHeader.get(normaliseLabel(header));
    if (path === undefined) {
      const message = `Column ${column} "${header}" is not a field of ${kind}.`;
      problems.push({ column, header, code: 'COLUMN_UNKNOWN', message });
      return;
    }
    const earlier = columns.find((c) => overlaps(c.path, path));
    if (earlier !== undefined) {
      const message =
        `Column ${column} "${header}" names ${path.join('.')}, which column ` +
        `${columnLetter(earlier.index)} "${earlier.header}" already gives.`;
      problems.push({ column, header, code: 'COLUMN_DUPLICATE', message });
      return;
    }
    columns.push({ index, header, path });
  });
  for (const path of required) {
    if (columns.some((c) => overlaps(c.path, path) && c.path.length <= path.length)) continue;
    const names = headersOf(kind, path).join(', ');
    const message = `No column gives ${path.join('.')}, which ${kind} requires; name it by one of: ${names}.`;
    problems.push({ column: '', header: '', code: 'COLUMN_MISSING', message });
  }
  return problems.length === 0 ? { ok: true, columns } : { ok: false, problems, accepted: [...accepted] };
}

/** A cell the spreadsheet turned into a number in scientific notation: `3.30106E+17`. */
const SCIENTIFIC = /^\d(?:\.\d+)?E\+?\d+$/i;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A date cell as the day it shows: spreadsheets store days without a time zone (read as UTC midnight). */
const dayOf = (date: Date): string =>
  `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;

/** A data row: nothing in any cell. */
export function isBlankRow(cells: readonly CellValue[]): boolean {
  return cells.every((cell) => cellText(cell).trim() === '');
}

export interface RowRecord {
  /** The data object for normaliseRecord (canonical paths, blank cells left out). */
  data: Record<string, unknown>;
  /** What is wrong with the cells themselves, found before normalisation; the row is rejected with them. */
  errors: Omit<RowError, 'row'>[];
}

/**
 * One row's cells as the data object of a record. A cell under no header must be empty; an ID number the
 * spreadsheet kept as a number is refused here, since its digits are already lost.
 */
export function rowRecord(columns: readonly ImportColumn[], cells: readonly CellValue[]): RowRecord {
  const data: Record<string, unknown> = {};
  const errors: Omit<RowError, 'row'>[] = [];
  const mapped = new Set(columns.map((c) => c.index));
  cells.forEach((cell, index) => {
    if (!mapped.has(index) && cellText(cell).trim() !== '') {
      const code = 'FIELD_UNKNOWN';
      const message = `${errorMessage(code)} (a value in column ${columnLetter(index)}, which has no header)`;
      errors.push({ column: columnLetter(index), path: '', code, message });
    }
  });
  for (const column of columns) {
    const cell = cells[column.index];
    const dotted = column.path.join('.');
    if (column.path.at(-1) === 'idNumber' && isNumericIdNumber(cell)) {
      const code = 'ID_NUMBER_AS_NUMBER';
      errors.push({ column: column.header, path: dotted, code, message: errorMessage(code) });
      continue;
    }
    const value = cell instanceof Date ? dayOf(cell) : typeof cell === 'string' ? cell : cellText(cell);
    if (value.trim() === '') continue;
    setPath(data, column.path, value);
  }
  return { data, errors };
}

function isNumericIdNumber(cell: CellValue): boolean {
  if (typeof cell === 'number') return true;
  return typeof cell === 'string' && SCIENTIFIC.test(cell.normalize('NFKC').trim());
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = target;
  for (const segment of path.slice(0, -1)) {
    const next = at[segment];
    if (typeof next === 'object' && next !== null) at = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      at[segment] = created;
      at = created;
    }
  }
  at[path.at(-1) as string] = value;
}

/** The column of a field error: the column giving the field or an object holding it ('' for the record). */
export function columnOfError(columns: readonly ImportColumn[], error: FieldError): string {
  const path = error.path === '' ? [] : error.path.split('.');
  const column = columns.find((c) => c.path.length <= path.length && overlaps(c.path, path));
  return column?.header ?? '';
}
