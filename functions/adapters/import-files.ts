import type { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/**
 * Where imported files and finished error reports are kept: on AWS an S3 bucket (encrypted, private, with
 * a lifecycle rule); on the local hub a folder under its data dir (local/import-files.ts). Keys:
 * `uploads/<importId>` for files, `reports/<importId>.csv` for error reports.
 */
export interface ImportFiles {
  /** Stores a file sent as a request body (at most API Gateway's 10 MB). */
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** Stores a file of any size from a stream. */
  write(key: string, body: Readable, contentType: string): Promise<void>;
  /** The stored file's size in bytes, or undefined when there is none (yet). */
  size(key: string): Promise<number | undefined>;
  /** The stored file from its start, streamed. */
  read(key: string): Promise<Readable>;
  /** A URL to PUT the file to without a token (with this Content-Type), valid for `expiresInSeconds`. */
  uploadUrl(key: string, contentType: string, expiresInSeconds: number): Promise<string>;
  /** A URL to GET the file from without a token, valid for `expiresInSeconds`. */
  downloadUrl(key: string, expiresInSeconds: number): Promise<string>;
}

export const uploadKey = (importId: string) => `uploads/${importId}`;
export const reportKey = (importId: string) => `reports/${importId}.csv`;
/** The import a file key belongs to (S3 notifications name the key). */
export const importIdOfKey = (key: string): string | undefined => /^uploads\/([0-9a-f-]{36})$/.exec(key)?.[1];

/** The files of imports in an S3 bucket. */
export class S3ImportFiles implements ImportFiles {
  readonly #s3: S3Client;
  readonly #bucket: string;

  constructor(s3: S3Client, bucket: string) {
    this.#s3 = s3;
    this.#bucket = bucket;
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.#s3.send(
      new PutObjectCommand({ Bucket: this.#bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async write(key: string, body: Readable, contentType: string): Promise<void> {
    await new Upload({
      client: this.#s3,
      params: { Bucket: this.#bucket, Key: key, Body: body, ContentType: contentType },
    }).done();
  }

  async size(key: string): Promise<number | undefined> {
    try {
      const head = await this.#s3.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }));
      return head.ContentLength;
    } catch (error) {
      if (error instanceof NotFound) return undefined;
      throw error;
    }
  }

  async read(key: string): Promise<Readable> {
    const object = await this.#s3.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
    return object.Body as Readable;
  }

  uploadUrl(key: string, contentType: string, expiresInSeconds: number): Promise<string> {
    const command = new PutObjectCommand({ Bucket: this.#bucket, Key: key, ContentType: contentType });
    return getSignedUrl(this.#s3, command, { expiresIn: expiresInSeconds });
  }

  downloadUrl(key: string, expiresInSeconds: number): Promise<string> {
    const command = new GetObjectCommand({ Bucket: this.#bucket, Key: key });
    return getSignedUrl(this.#s3, command, { expiresIn: expiresInSeconds });
  }
}
