import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Presets, SingleBar } from 'cli-progress';
import { stringify } from 'csv-stringify';
import { CSV_CONTENT_TYPE, type ImportStatus } from '#api/import-api.ts';
import { localSqsClient } from '#local/emulators/clients.ts';
import type { HubEndpoints } from '#local/hub-state.ts';
import { takeAllMessages } from '#local/queue-tools.ts';
import { sampleIdNumber } from '#local/sample-data.ts';
import { startHubProcess } from '../test/helpers/hub-process.ts';

// Bulk import on the local hub (`npm start -- --data-dir`, its own process): a generated CSV of distinct
// people's residence registrations, uploaded through an upload URL; rows/s from the upload's end until the
// import is done, and the hub process's peak resident memory (VmHWM) meanwhile.

const IMPORTER = 'property-manager-lvcheng';
const HEADERS = ['公民身份号码', '姓名', '联系电话', '居住地址', '居住类型', '入住日期'];

export interface ImportFigures {
  rows: number;
  fileBytes: number;
  rowsPerSecond: number;
  /** Peak resident set of the hub process, MB. */
  peakRssMb: number;
}

/** Row k: a distinct person (birth date and sequence from k), as a register lists them. */
async function* rows(count: number) {
  yield HEADERS;
  for (let k = 0; k < count; k += 1) {
    const birth = new Date(Date.UTC(1970, 0, 1) + (k % 9000) * 86_400_000).toISOString().slice(0, 10);
    yield [
      sampleIdNumber('330106', birth, 1 + Math.floor(k / 9000)),
      '测试',
      '13800138000',
      `浙江省杭州市西湖区文三路${1 + (k % 500)}号${1 + (k % 20)}幢${1 + (k % 4)}单元${101 + (k % 30)}室`,
      '租赁房屋',
      '2024-03-01',
    ];
  }
}

/** A figure of /proc/<pid>/status in MB: VmHWM the peak resident set, VmRSS the current one. */
const statusMb = async (pid: number, field: 'VmHWM' | 'VmRSS') =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) /
  1024;
const peakRssMb = (pid: number) => statusMb(pid, 'VmHWM');
const residentMb = (pid: number) => statusMb(pid, 'VmRSS');

/**
 * Departments reading their queues while the import runs, as they do in production (otherwise the emulator
 * holds every message in memory, README "Limits of the local emulation"); stop() says how many they took.
 */
function startQueueReaders(endpoints: HubEndpoints): { stop(): Promise<number> } {
  const client = localSqsClient(endpoints.sqsEndpoint);
  const urls = [...Object.values(endpoints.queues), endpoints.derivedEventsQueue ?? ''].filter(Boolean);
  let reading = true;
  let taken = 0;
  const readers = urls.map(async (url) => {
    while (reading) {
      const messages = await takeAllMessages(client, url);
      taken += messages.length;
      if (messages.length === 0) await sleep(500);
    }
  });
  return {
    async stop() {
      reading = false;
      await Promise.all(readers);
      client.destroy();
      return taken;
    },
  };
}

export async function benchImport(n: number, options: { readQueues: boolean }): Promise<ImportFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-import-'));
  const file = join(dir, 'register.csv');
  await pipeline(Readable.from(rows(n)), stringify(), createWriteStream(file));
  const fileBytes = (await stat(file)).size;
  const hub = await startHubProcess(['--data-dir', join(dir, 'hub')]);
  let readers: ReturnType<typeof startQueueReaders> | undefined;
  try {
    const { apiUrl, tokens } = hub.endpoints;
    const authorization = `Bearer ${tokens[IMPORTER]}`;
    const asked = await fetch(`${apiUrl}/v1/imports`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'residence-registration',
        fileName: 'register.csv',
        contentType: CSV_CONTENT_TYPE,
      }),
    });
    const { uploadUrl, statusUrl } = (await asked.json()) as { uploadUrl: string; statusUrl: string };
    await fetch(uploadUrl, {
      method: 'PUT',
      headers: { 'content-type': CSV_CONTENT_TYPE, 'content-length': String(fileBytes) },
      body: Readable.toWeb(createReadStream(file)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    if (options.readQueues) readers = startQueueReaders(hub.endpoints);
    const started = performance.now();
    // Progress on stderr while the import runs (drawn on a terminal only), the figures on stdout after.
    const bar = new SingleBar(
      {
        format: '  importing |{bar}| {value}/{total} rows | {rate} rows/s | hub RSS {rss} MB',
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    bar.start(n, 0, { rate: 0, rss: 0 });
    let status: ImportStatus;
    try {
      for (;;) {
        status = (await (
          await fetch(`${apiUrl}${statusUrl}`, { headers: { authorization } })
        ).json()) as ImportStatus;
        const rate = Math.round(status.processed / ((performance.now() - started) / 1000));
        bar.update(status.processed, { rate, rss: Math.round(await residentMb(hub.pid)) });
        if (status.status === 'done' || status.status === 'failed') break;
        await sleep(500);
      }
    } finally {
      bar.stop();
    }
    const taken = await readers?.stop();
    readers = undefined;
    const seconds = (performance.now() - started) / 1000;
    if (status.status !== 'done') throw new Error(`the import failed: ${JSON.stringify(status.failure)}`);
    const figures = { rows: n, fileBytes, rowsPerSecond: n / seconds, peakRssMb: await peakRssMb(hub.pid) };
    console.log(
      `bulk import, ${n.toLocaleString('en')} rows (${(fileBytes / 1e6).toFixed(1)} MB CSV), hub with --data-dir:`,
    );
    console.log(
      `  ${Math.round(figures.rowsPerSecond).toLocaleString('en')} rows/s (upload landed → done; accepted ${status.accepted}, rejected ${status.rejected})`,
    );
    console.log(`  peak RSS of the hub process: ${Math.round(figures.peakRssMb)} MB`);
    console.log(
      taken === undefined
        ? '  department queues unread: their messages stay in the SQS emulator, in the hub’s memory'
        : `  department queues read meanwhile: ${taken.toLocaleString('en')} messages taken`,
    );
    return figures;
  } finally {
    await readers?.stop();
    await hub.kill();
    await rm(dir, { recursive: true, force: true });
  }
}
