import { z } from 'zod';
import { RECORD_KINDS } from '../schemas/index.ts';
import { problemDetails } from './http-api.ts';

/*
 * The bulk import API (functions/imports): `POST /v1/imports` with the file as the body or, for files over
 * API Gateway's 10 MB, with a JSON body asking for an upload URL; `GET /v1/imports/{id}` (progress) and
 * `GET /v1/imports/{id}/errors` (the per-row error report). The handlers parse their requests with these
 * schemas and type their answers by them; docs/openapi.json is built from them.
 */

/** The routes of the bulk import API (the imports function), as API Gateway's route keys name them. */
export const IMPORT_ROUTES = {
  start: { method: 'POST', path: '/v1/imports' },
  status: { method: 'GET', path: '/v1/imports/{importId}' },
  errors: { method: 'GET', path: '/v1/imports/{importId}/errors' },
} as const;

export const CSV_CONTENT_TYPE = 'text/csv';
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const IMPORT_CONTENT_TYPES = [CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE] as const;
export type ImportContentType = (typeof IMPORT_CONTENT_TYPES)[number];

export const IMPORT_ENCODINGS = ['utf-8', 'gb18030'] as const;
export type ImportEncoding = (typeof IMPORT_ENCODINGS)[number];

/** Data rows (empty rows not counted) and bytes a file may have. */
export const MAX_IMPORT_ROWS = 1_000_000;
export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;

/**
 * The columns of the error report (`GET /v1/imports/{id}/errors`), in order: `message` in English with what was
 * received (masked), `message_zh` the code's message in Chinese.
 */
export const ERROR_REPORT_COLUMNS = ['row', 'column', 'path', 'code', 'message', 'message_zh'] as const;

export const IMPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type ImportStatusName = (typeof IMPORT_STATUSES)[number];

const kind = z.enum(RECORD_KINDS).meta({ description: 'The record kind of every row of the file.' });
const sheet = z.string().min(1).max(31).meta({
  description: 'XLSX only: the sheet to import (Excel names have at most 31 characters). Default: the first.',
});
const encoding = z.enum(IMPORT_ENCODINGS).meta({
  description:
    'CSV only: the text encoding. Default: detected (UTF-8 with or without BOM, else GB18030/GBK).',
});

/** The query of `POST /v1/imports` with the file as the body. */
export const importParameters = z.strictObject({
  kind,
  sheet: sheet.optional(),
  encoding: encoding.optional(),
});

/** `POST /v1/imports` with a JSON body: asks for an upload URL for a file of any size up to the limit. */
export const importUploadRequest = z
  .strictObject({
    kind,
    fileName: z
      .string()
      .min(1)
      .max(255)
      .meta({ description: "The file's name, for the importer's records." }),
    contentType: z.enum(IMPORT_CONTENT_TYPES).meta({ description: 'The type the file will be uploaded as.' }),
    sheet: sheet.optional(),
    encoding: encoding.optional(),
  })
  .meta({ description: 'Start an import whose file is uploaded separately (PUT to uploadUrl).' });

export type ImportUploadRequest = z.output<typeof importUploadRequest>;

const importId = z.uuid().meta({ description: "The import's id." });
const statusUrl = z.string().meta({ description: 'Where the progress is: GET it (same token).' });

export const importAccepted = z
  .strictObject({ importId, statusUrl })
  .meta({ description: 'The file is stored; its rows are imported in the background.' });

export const importUpload = z
  .strictObject({
    importId,
    statusUrl,
    uploadUrl: z.string().meta({
      description:
        'PUT the file here, as the body, with the Content-Type given in the request (a presigned URL; no ' +
        'token). Processing starts when the upload is complete.',
    }),
    expiresAt: z.iso.datetime().meta({ description: 'The upload URL works until then.' }),
  })
  .meta({ description: 'Upload the file to uploadUrl; then follow statusUrl.' });

const count = z.int().min(0);
const instant = z.iso.datetime().nullable();

export const importStatus = z
  .strictObject({
    importId,
    kind,
    status: z.enum(IMPORT_STATUSES).meta({
      description:
        'queued: waiting for the file or a worker; running: rows are being stored; done: every row has a ' +
        'result (some may be rejected); failed: the file could not be imported and nothing of it was stored.',
    }),
    total: count
      .nullable()
      .meta({ description: 'Data rows of the file (empty rows not counted); null until counted.' }),
    processed: count.meta({ description: 'Rows with a result so far.' }),
    accepted: count.meta({ description: 'Rows stored as a new version (an event follows each).' }),
    unchanged: count.meta({ description: 'Rows identical to what was stored already.' }),
    rejected: count.meta({ description: 'Rows with errors (GET …/errors lists them).' }),
    startedAt: instant,
    finishedAt: instant,
    failure: problemDetails.optional().meta({ description: 'Why a failed import failed.' }),
  })
  .meta({ description: 'The progress of an import.' });

export type ImportStatus = z.output<typeof importStatus>;
