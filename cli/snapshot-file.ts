import { createWriteStream } from 'node:fs';
import { PassThrough, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { UsageError } from './errors.ts';
import type { Target } from './target.ts';

/** Where a backfill writes a subscriber's snapshot as NDJSON: a local file, or `s3://bucket/key` on AWS. */
export interface SnapshotFile {
  write(line: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the snapshot. A local file is appended to (a resumed backfill continues it); an S3 object is one
 * streamed multipart upload (lib-storage), so a run that stops must start over (`--restart`).
 */
export function openSnapshot(target: Target, where: string, append: boolean): SnapshotFile {
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(where);
  if (s3 === null) return fromStream(createWriteStream(where, { flags: append ? 'a' : 'w', mode: 0o600 }));
  if (target.kind === 'local')
    throw new UsageError('--to-file s3://… needs --stack; locally give a file path');
  const body = new PassThrough();
  const client = new S3Client(target.clientConfig('sqs'));
  const upload = new Upload({
    client,
    params: {
      Bucket: s3[1],
      Key: s3[2],
      Body: body,
      ContentType: 'application/x-ndjson',
      ServerSideEncryption: 'aws:kms',
    },
  });
  const done = upload.done();
  const file = fromStream(body);
  return {
    write: file.write,
    async close() {
      await file.close();
      await done;
      client.destroy();
    },
  };
}

function fromStream(stream: Writable): SnapshotFile {
  return {
    async write(line) {
      if (!stream.write(`${line}\n`)) await new Promise((resolve) => stream.once('drain', resolve));
    },
    async close() {
      stream.end();
      await finished(stream);
    },
  };
}
