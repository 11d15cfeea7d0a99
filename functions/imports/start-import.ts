import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  IMPORT_CONTENT_TYPES,
  type ImportContentType,
  importParameters,
  importUploadRequest,
} from '#api/import-api.ts';
import { ProblemError } from '#api/problems.ts';
import { kindPermissionError } from '#domain/permissions.ts';
import { toFieldErrors } from '#schemas/errors.ts';
import type { RecordKind } from '#schemas/index.ts';
import { type ImportFiles, uploadKey } from '../adapters/import-files.ts';
import type { ImportItem, ImportStore, NewImport } from '../adapters/import-store.ts';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf, REPLAYED_HEADER } from '../http/idempotency.ts';
import { jsonNestingExceeds } from '../http/json-depth-limit.ts';
import type { HubRequestEvent, Submitter } from '../http/submitter.ts';
import { logger } from '../runtime/logger.ts';
import { importProblemOf } from './import-problems.ts';
import { countRows } from './table-rows.ts';

/** How long an upload URL works. */
const UPLOAD_URL_SECONDS = 3600;

export interface StartDeps {
  imports: ImportStore;
  files: ImportFiles;
  now: () => Date;
}

type Answer = APIGatewayProxyStructuredResultV2;

const statusUrl = (importId: string) => `/v1/imports/${importId}`;

const json = (statusCode: number, body: unknown, replayed: boolean): Answer => ({
  statusCode,
  headers: {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    ...(replayed ? { [REPLAYED_HEADER]: 'true' } : {}),
  },
  body: JSON.stringify(body),
});

/** `POST /v1/imports`: the file as the body (202), or a JSON request for an upload URL (201). */
export async function startImport(
  event: HubRequestEvent,
  caller: Submitter,
  deps: StartDeps,
): Promise<Answer> {
  if (caller.role === 'resident') {
    throw new ProblemError(
      'FORBIDDEN',
      'Imports are for the registers of organisations and departments; a resident reports through POST /v1/records.',
    );
  }
  const mediaType = (event.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/json') return startUpload(event, caller, deps);
  if ((IMPORT_CONTENT_TYPES as readonly string[]).includes(mediaType)) {
    return startWithBody(event, caller, mediaType as ImportContentType, deps);
  }
  throw new ProblemError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Send the file as ${IMPORT_CONTENT_TYPES.join(' or ')}, or application/json to ask for an upload URL.`,
  );
}

function checkKind(caller: Submitter, kind: RecordKind): void {
  const refused = kindPermissionError(caller, kind);
  if (refused)
    throw new ProblemError('FORBIDDEN', `The role "${caller.role}" may not submit ${kind} records.`);
}

function checkOptions(contentType: ImportContentType, options: { sheet?: string; encoding?: string }): void {
  const isCsv = contentType === 'text/csv';
  if ((isCsv && options.sheet !== undefined) || (!isCsv && options.encoding !== undefined)) {
    throw new ProblemError(
      'INVALID_REQUEST',
      '`sheet` applies to XLSX files only, `encoding` to CSV files only.',
    );
  }
}

/**
 * The import's id: random, or derived from the caller and its Idempotency-Key, so that a retry finds the
 * import the first request created (kept as long as the import, 30 days).
 */
function importIdFor(event: HubRequestEvent, caller: Submitter): string {
  const key = idempotencyKeyOf(event.headers);
  if (key === undefined) return randomUUID();
  const hex = createHash('sha256').update(`${caller.submitterId}\n${key}`).digest('hex');
  // UUID-shaped (version 8: custom), like the random ones.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const hashOf = (...parts: (string | Buffer | undefined)[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part ?? '').update('\0');
  return hash.digest('hex');
};

/** The import stored under this id earlier: the same request again (replay), or its key reused (422). */
function sameRequest(existing: ImportItem, caller: Submitter, requestHash: string): void {
  if (existing.submitterId !== caller.submitterId || existing.requestHash !== requestHash) {
    throw new ProblemError(
      'IDEMPOTENCY_KEY_REUSED',
      `The ${IDEMPOTENCY_KEY_HEADER} started another import with another file or request; use a new key.`,
    );
  }
}

async function startWithBody(
  event: HubRequestEvent,
  caller: Submitter,
  contentType: ImportContentType,
  deps: StartDeps,
): Promise<Answer> {
  const parsed = importParameters.safeParse(event.queryStringParameters ?? {});
  if (!parsed.success) {
    const errors = toFieldErrors(parsed.error, { input: event.queryStringParameters ?? {} });
    throw new ProblemError('INVALID_REQUEST', 'Give ?kind=<record kind>[&sheet=…][&encoding=…].', errors);
  }
  const { kind, sheet, encoding } = parsed.data;
  checkKind(caller, kind);
  checkOptions(contentType, parsed.data);
  const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  const importId = importIdFor(event, caller);
  const requestHash = hashOf(kind, sheet, encoding, contentType, body);
  const earlier = await deps.imports.get(importId);
  if (earlier) {
    sameRequest(earlier, caller, requestHash);
    return json(202, { importId, statusUrl: statusUrl(importId) }, true);
  }
  // A bad file is refused now, with nothing stored: the body is at most 10 MB, read in memory.
  let total: number;
  try {
    total = await countRows({ contentType, encoding, sheet, open: async () => Readable.from([body]) }, kind);
  } catch (error) {
    throw importProblemOf(error) ?? error;
  }
  const fresh: NewImport = {
    ...newImport(importId, caller, kind, contentType, requestHash, deps.now()),
    ...(sheet === undefined ? {} : { sheet }),
    ...(encoding === undefined ? {} : { encoding }),
    total,
  };
  const { created, item } = await deps.imports.create(fresh);
  if (!created) {
    sameRequest(item, caller, requestHash);
    return json(202, { importId, statusUrl: statusUrl(importId) }, true);
  }
  // The file landing starts the worker (an S3 notification on AWS).
  await deps.files.put(item.fileKey, body, contentType);
  logger.info('import started', { importId, submitterId: caller.submitterId, kind, total });
  return json(202, { importId, statusUrl: statusUrl(importId) }, false);
}

async function startUpload(event: HubRequestEvent, caller: Submitter, deps: StartDeps): Promise<Answer> {
  const text = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8').toString('utf8');
  let input: unknown;
  try {
    if (jsonNestingExceeds(text, 4)) throw new Error('too deep');
    input = JSON.parse(text);
  } catch (error) {
    throw new ProblemError(
      'MALFORMED_JSON',
      'Send { "kind", "fileName", "contentType" } as JSON.',
      undefined,
      {
        cause: error,
      },
    );
  }
  const parsed = importUploadRequest.safeParse(input);
  if (!parsed.success) {
    const errors = toFieldErrors(parsed.error, { input });
    throw new ProblemError('INVALID_REQUEST', 'Send { "kind", "fileName", "contentType" }.', errors);
  }
  const request = parsed.data;
  checkKind(caller, request.kind);
  checkOptions(request.contentType, request);
  const importId = importIdFor(event, caller);
  const requestHash = hashOf(JSON.stringify(request));
  const fresh: NewImport = {
    ...newImport(importId, caller, request.kind, request.contentType, requestHash, deps.now()),
    fileName: request.fileName,
    ...(request.sheet === undefined ? {} : { sheet: request.sheet }),
    ...(request.encoding === undefined ? {} : { encoding: request.encoding }),
  };
  const { created, item } = await deps.imports.create(fresh);
  if (!created) sameRequest(item, caller, requestHash);
  const uploadUrl = await deps.files.uploadUrl(item.fileKey, item.contentType, UPLOAD_URL_SECONDS);
  const expiresAt = new Date(deps.now().getTime() + UPLOAD_URL_SECONDS * 1000).toISOString();
  if (created) logger.info('import awaits its upload', { importId, submitterId: caller.submitterId });
  return json(201, { importId, statusUrl: statusUrl(importId), uploadUrl, expiresAt }, !created);
}

function newImport(
  importId: string,
  caller: Submitter,
  kind: RecordKind,
  contentType: ImportContentType,
  requestHash: string,
  at: Date,
): NewImport {
  return {
    importId,
    kind,
    submitterId: caller.submitterId,
    role: caller.role,
    ...(caller.department === undefined ? {} : { department: caller.department }),
    ...(caller.divisions === undefined ? {} : { divisions: [...caller.divisions] }),
    contentType,
    fileKey: uploadKey(importId),
    requestHash,
    createdAt: at.toISOString(),
  };
}
