import { Readable } from 'node:stream';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { stringify } from 'csv-stringify/sync';
import { ERROR_REPORT_COLUMNS } from '#api/import-api.ts';
import { ProblemError } from '#api/problems.ts';
import { type ImportFiles, reportKey } from '../adapters/import-files.ts';
import type { ImportItem, ImportStore } from '../adapters/import-store.ts';
import type { HubRequestEvent, Submitter } from '../http/submitter.ts';

/** Larger reports are not sent in the answer (Lambda answers at most 6 MB) but fetched from a link. */
export const INLINE_REPORT_BYTES = 4 * 1024 * 1024;
const REPORT_LINK_SECONDS = 900;
/** Excel opens a CSV as UTF-8 only when it starts with a byte order mark. */
const BOM = '\uFEFF';
const REPORT_HEAD = BOM + stringify([[...ERROR_REPORT_COLUMNS]]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The import the path names, if the caller may read it: the importer itself, or a department caller with
 * an audit right. Anyone else gets 404, as for an import that does not exist.
 */
export async function readableImport(
  event: HubRequestEvent,
  caller: Submitter,
  imports: ImportStore,
): Promise<ImportItem> {
  const importId = event.pathParameters?.importId ?? '';
  const item = UUID.test(importId) ? await imports.get(importId) : undefined;
  const auditor = caller.role === 'department' && caller.audit !== undefined;
  if (!item || (item.submitterId !== caller.submitterId && !auditor)) {
    throw new ProblemError('NOT_FOUND', `No import ${importId} that this caller may read.`);
  }
  return item;
}

/**
 * `GET /v1/imports/{id}/errors`: the error report as CSV (UTF-8 with BOM) — `row,column,path,code,message`,
 * one line per error, rows as the spreadsheet numbers them. Up to 4 MB in the answer; a finished import's
 * larger report is written to the file store once and answered with a link (303).
 */
export async function errorReport(
  item: ImportItem,
  deps: { imports: ImportStore; files: ImportFiles },
): Promise<APIGatewayProxyStructuredResultV2> {
  const finished = item.status === 'done' || item.status === 'failed';
  const key = reportKey(item.importId);
  if (finished && (await deps.files.size(key)) !== undefined) return seeReport(deps.files, key);
  let body = REPORT_HEAD;
  for await (const lines of deps.imports.errorLines(item.importId)) {
    body += lines;
    if (Buffer.byteLength(body) <= INLINE_REPORT_BYTES) continue;
    if (!finished) {
      throw new ProblemError(
        'IMPORT_NOT_FINISHED',
        `The report is over ${INLINE_REPORT_BYTES} bytes already; ask again when the import is done.`,
      );
    }
    await deps.files.write(key, Readable.from(reportText(deps.imports, item.importId)), 'text/csv');
    return seeReport(deps.files, key);
  }
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="import-${item.importId}-errors.csv"`,
      'cache-control': 'no-store',
    },
    body,
  };
}

async function* reportText(imports: ImportStore, importId: string): AsyncGenerator<Buffer> {
  yield Buffer.from(REPORT_HEAD);
  for await (const lines of imports.errorLines(importId)) yield Buffer.from(lines);
}

async function seeReport(files: ImportFiles, key: string): Promise<APIGatewayProxyStructuredResultV2> {
  return {
    statusCode: 303,
    headers: { location: await files.downloadUrl(key, REPORT_LINK_SECONDS), 'cache-control': 'no-store' },
  };
}
