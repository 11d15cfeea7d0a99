import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ImportFiles } from '#functions/adapters/import-files.ts';

/*
 * The imports bucket of the local hub: files in a folder (under the hub's data dir, or a temporary one),
 * and an HTTP endpoint on 127.0.0.1 that plays S3's part for presigned URLs: PUT a file to an upload URL,
 * GET a report from a download URL, each signed (HMAC) and expiring. A file that lands under `uploads/`
 * is announced as S3 would notify the job queue. fauxqs also speaks S3, but keeps every object in memory,
 * which a 200 MB file must not need.
 */

/** A file landed: what an S3 `ObjectCreated` notification on the `uploads/` prefix says. */
export type LandedListener = (key: string, size: number) => void;

const KEY = /^(uploads\/[0-9a-f-]{36}|reports\/[0-9a-f-]{36}\.csv)$/;

export interface LocalImportFiles extends ImportFiles {
  /** Where the endpoint listens. */
  endpoint: string;
  close(): Promise<void>;
}

export async function startLocalImportFiles(options: {
  dir: string;
  onLanded: LandedListener;
}): Promise<LocalImportFiles> {
  const { dir, onLanded } = options;
  await mkdir(dir, { recursive: true });
  const secret = randomBytes(32);
  const pathOf = (key: string) => {
    if (!KEY.test(key)) throw new Error(`not an import file key: ${key}`);
    return join(dir, key);
  };
  const sign = (method: string, key: string, expires: number, contentType: string) =>
    createHmac('sha256', secret).update(`${method}\n${key}\n${expires}\n${contentType}`).digest('hex');

  /** Writes to a temporary name first, so a file only ever appears whole (as an S3 object does). */
  const store = async (key: string, body: Readable | Buffer): Promise<number> => {
    const path = pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const part = `${path}.part-${randomUUID()}`;
    try {
      await pipeline(Buffer.isBuffer(body) ? [body] : body, createWriteStream(part));
      await rename(part, path);
    } catch (error) {
      await rm(part, { force: true });
      throw error;
    }
    const { size } = await stat(path);
    if (key.startsWith('uploads/')) onLanded(key, size);
    return size;
  };

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      if (!response.headersSent) reply(response, 500, `failed: ${(error as Error).message}`);
    });
  });
  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://local');
    const key = decodeURIComponent(url.pathname.slice(1));
    const expires = Number(url.searchParams.get('expires'));
    const given = Buffer.from(url.searchParams.get('signature') ?? '', 'hex');
    const contentType = request.method === 'PUT' ? (request.headers['content-type'] ?? '') : '';
    const expected = Buffer.from(sign(request.method ?? '', key, expires, contentType), 'hex');
    const signed = KEY.test(key) && given.length === expected.length && timingSafeEqual(given, expected);
    if (!signed || !(expires * 1000 > Date.now())) {
      request.resume();
      return reply(response, 403, 'SignatureDoesNotMatch or expired: ask the hub for a new URL.');
    }
    if (request.method === 'PUT') {
      await store(key, request);
      return reply(response, 200, '');
    }
    const size = await stat(pathOf(key)).then(
      (s) => s.size,
      () => undefined,
    );
    if (size === undefined) return reply(response, 404, 'NoSuchKey');
    response.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-length': size });
    await pipeline(createReadStream(pathOf(key)), response);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const presign = (method: string, key: string, contentType: string, expiresInSeconds: number) => {
    pathOf(key);
    const expires = Math.floor(Date.now() / 1000) + expiresInSeconds;
    const signature = sign(method, key, expires, contentType);
    return `${endpoint}/${key}?expires=${expires}&signature=${signature}`;
  };

  return {
    endpoint,
    async put(key, body) {
      await store(key, body);
    },
    async write(key, body) {
      await store(key, body);
    },
    async size(key) {
      return stat(pathOf(key)).then(
        (s) => s.size,
        () => undefined,
      );
    },
    async read(key) {
      return createReadStream(pathOf(key));
    },
    async uploadUrl(key, contentType, expiresInSeconds) {
      return presign('PUT', key, contentType, expiresInSeconds);
    },
    async downloadUrl(key, expiresInSeconds) {
      return presign('GET', key, '', expiresInSeconds);
    },
    close: () => closeServer(server),
  };
}

function reply(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
