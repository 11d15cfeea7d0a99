import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Presets, SingleBar } from 'cli-progress';
import { type Command, Option } from 'commander';
import {
  CSV_CONTENT_TYPE,
  IMPORT_ENCODINGS,
  type ImportEncoding,
  type ImportStatus,
  MAX_IMPORT_BYTES,
  XLSX_CONTENT_TYPE,
} from '#api/import-api.ts';
import { RECORD_KINDS } from '#schemas/index.ts';
import { type ApiRequest, callApi } from '../api-client.ts';
import { targetCommand } from '../command.ts';
import { EXIT, OperationError, UsageError } from '../errors.ts';
import type { Target } from '../target.ts';

interface ImportOptions {
  kind?: string;
  token?: string;
  as?: string;
  sheet?: string;
  encoding?: string;
  pollMs: string;
}

const CONTENT_TYPES: Record<string, string> = { '.csv': CSV_CONTENT_TYPE, '.xlsx': XLSX_CONTENT_TYPE };

/**
 * `hub import FILE --kind KIND`: uploads a register (CSV or XLSX) through an upload URL, shows the import's
 * progress (rows/s, accepted, rejected, ETA) and writes the error report next to the file
 * (`<name>.errors.csv`). Exit 0 when the import finished, even with rejected rows; 1 when it failed.
 */
export function registerImport(program: Command): void {
  targetCommand(
    program,
    'import',
    'import a register (CSV or XLSX) of one record kind; writes FILE’s error report beside it',
    (command) =>
      command
        .argument('<file>', '.csv (UTF-8 or GB18030) or .xlsx file, header row first')
        .addOption(new Option('--kind <kind>', 'record kind of every row (required)').choices(RECORD_KINDS))
        .option(
          '--token <jwt>',
          'bearer token (default: $HUB_TOKEN; on a stack without one: SigV4 with your AWS credentials)',
        )
        .option('--as <submitter>', 'local hub: use this sample submitter’s token')
        .option('--sheet <name>', 'XLSX: the sheet to import (default: the first)')
        .addOption(
          new Option('--encoding <encoding>', 'CSV: the text encoding (default: detected)').choices(
            IMPORT_ENCODINGS,
          ),
        )
        .option('--poll-ms <ms>', 'how often to ask for the progress', '1000'),
    (target, options: ImportOptions, file = '') => importFile(target, file, options),
  );
}

async function importFile(target: Target, file: string, options: ImportOptions): Promise<number> {
  if (options.kind === undefined) throw new UsageError('give --kind, the record kind of every row');
  const contentType = CONTENT_TYPES[extname(file).toLowerCase()];
  if (contentType === undefined) throw new UsageError(`${file}: only .csv and .xlsx files can be imported`);
  const size = await stat(file).then(
    (s) => s.size,
    () => {
      throw new UsageError(`cannot read ${file}`);
    },
  );
  if (size > MAX_IMPORT_BYTES)
    throw new OperationError(`${file} has ${size} bytes; an import takes at most 200 MB`);
  const call = async (path: string, request: ApiRequest = {}) => {
    try {
      return await callApi(target, options, path, request);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new OperationError(`the hub at ${target.apiUrl} cannot be reached (${(error as Error).message})`);
    }
  };

  const asked = await call('/v1/imports', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: options.kind,
      fileName: basename(file),
      contentType,
      ...(options.sheet === undefined ? {} : { sheet: options.sheet }),
      ...(options.encoding === undefined ? {} : { encoding: options.encoding as ImportEncoding }),
    }),
  });
  const upload = (await asked.json().catch(() => ({}))) as {
    importId?: string;
    uploadUrl?: string;
    statusUrl?: string;
  };
  if (asked.status !== 201 || !upload.uploadUrl || !upload.statusUrl) throw await problemOf(asked, upload);

  const put = await fetch(upload.uploadUrl, {
    method: 'PUT',
    headers: { 'content-type': contentType, 'content-length': String(size) },
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  if (!put.ok) throw new OperationError(`the upload failed: HTTP ${put.status} ${await put.text()}`);
  console.log(`uploaded ${basename(file)} (${size} bytes): import ${upload.importId}`);

  const status = await follow(upload.statusUrl, call, Number(options.pollMs));
  if (status.status === 'failed') {
    const failure = status.failure;
    console.error(`import failed: ${failure?.code ?? ''} ${failure?.detail ?? failure?.title ?? ''}`.trim());
    for (const error of failure?.errors ?? [])
      console.error(`  ${error.path} ${error.code}: ${error.message}`);
    return EXIT.failed;
  }
  const reportFile = resolve(`${file.slice(0, file.length - extname(file).length)}.errors.csv`);
  const report = await call(`${upload.statusUrl}/errors`);
  if (!report.ok) throw new OperationError(`the error report could not be read: HTTP ${report.status}`);
  await writeFile(reportFile, Buffer.from(await report.arrayBuffer()));
  console.log(
    `done: ${status.total} rows, accepted ${status.accepted}, unchanged ${status.unchanged}, ` +
      `rejected ${status.rejected}; error report: ${reportFile}`,
  );
  return EXIT.ok;
}

/** Polls the status with a progress bar until the import is done or failed. */
async function follow(
  statusUrl: string,
  call: (path: string) => Promise<Response>,
  pollMs: number,
): Promise<ImportStatus> {
  const bar = new SingleBar(
    {
      format:
        'importing |{bar}| {value}/{total} rows | {rate} rows/s | accepted {accepted} | rejected {rejected} | ETA {eta_formatted}',
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  let started = false;
  const since = Date.now();
  try {
    for (;;) {
      const response = await call(statusUrl);
      if (!response.ok) throw await problemOf(response, await response.json().catch(() => ({})));
      const status = (await response.json()) as ImportStatus;
      const payload = {
        accepted: status.accepted,
        rejected: status.rejected,
        rate: Math.round(status.processed / Math.max((Date.now() - since) / 1000, 0.001)),
      };
      if (!started && status.total !== null) {
        bar.start(status.total, status.processed, payload);
        started = true;
      } else if (started) bar.update(status.processed, payload);
      if (status.status === 'done' || status.status === 'failed') return status;
      await sleep(pollMs);
    }
  } finally {
    if (started) bar.stop();
  }
}

/** The API and token: from the options, $HUB_TOKEN, or the running local hub's endpoints file. */
async function problemOf(response: Response, body: unknown): Promise<OperationError> {
  const problem = body as { code?: string; detail?: string; title?: string };
  return new OperationError(
    `HTTP ${response.status} ${problem.code ?? ''}: ${problem.detail ?? problem.title ?? 'no answer'}`.trim(),
  );
}
