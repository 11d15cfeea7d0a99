import { gunzipSync, gzipSync } from 'node:zlib';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ProblemError } from '#api/problems.ts';
import { logger } from '../runtime/logger.ts';

/** The request header naming a retry-safe submission (normalised to lower case by the header middleware). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set on a response that is the stored answer to an earlier request with the same key. */
export const REPLAYED_HEADER = 'idempotent-replayed';
/** How long a key's first answer is replayed. */
const IDEMPOTENCY_EXPIRY_SECONDS = 24 * 60 * 60;
const KEY_PATTERN = /^[\x20-\x7e]{1,128}$/;

/** The caller's Idempotency-Key, if it sent one: 1 to 128 printable ASCII characters. */
export function idempotencyKeyOf(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const key = headers[IDEMPOTENCY_KEY_HEADER];
  if (key === undefined) return undefined;
  if (!KEY_PATTERN.test(key)) {
    throw new ProblemError(
      'INVALID_IDEMPOTENCY_KEY',
      `Send 1 to 128 printable ASCII characters (got ${key.length} characters), e.g. a UUID.`,
    );
  }
  return key;
}

type HttpResponse = APIGatewayProxyStructuredResultV2;
/** What Powertools hashes (a JSON value); our request is one, though typed more precisely. */
type PersistedData = Parameters<BasePersistenceLayer['deleteRecord']>[0];

/** What identifies one submission (submitter + key) and what must not change under that key (the body). */
export interface IdempotentRequest {
  submitterId: string;
  key: string;
  /** The parsed JSON body; compared as JSON, so key order and whitespace do not matter. */
  body: unknown;
}

export type IdempotentRun = (
  request: IdempotentRequest,
  context: Context,
  work: () => Promise<HttpResponse>,
) => Promise<HttpResponse>;

/**
 * A response as the idempotency table keeps it. The body is gzipped: the answer to 500 error-laden records
 * may near 2 MiB (functions/ingest/answer.ts), a DynamoDB item holds 400 KB, and such JSON shrinks about a
 * hundredfold.
 */
interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  gzippedBody: string;
}

/**
 * Thrown by `work` with an answer that must not be replayed (a store failure a retry may overcome): the
 * caller still gets the answer, and Powertools frees the key, as it does whenever `work` throws.
 */
export class AnswerNotKept extends Error {
  readonly response: HttpResponse;

  constructor(response: HttpResponse) {
    super('answer not kept for replay');
    this.name = 'AnswerNotKept';
    this.response = response;
  }
}

/**
 * Runs `work` once per submitter and key for 24 hours, with Powertools' idempotency utility: a repeat gets
 * the first response again (marked `Idempotent-Replayed: true`), a repeat with another body 422, a repeat
 * while the first still runs 409. `work` should only return successes: when it throws, Powertools deletes
 * the in-progress record, so the error is not replayed and a retry runs afresh (see AnswerNotKept).
 *
 * The function wrapper, not the middy middleware: in 2.35 the middleware's onError deletes the record even
 * when its own `before` refused the request (aws-powertools/powertools-lambda-typescript#5675), so a 409 or
 * 422 would erase the first request's lock or stored response. The wrapper deletes only after `work` threw.
 */
export function createIdempotentRun(persistenceStore: BasePersistenceLayer): IdempotentRun {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: '[submitterId, key]',
    payloadValidationJmesPath: 'body',
    expiresAfterSeconds: IDEMPOTENCY_EXPIRY_SECONDS,
    // The key hash spans submitters; use a hash without known collisions.
    hashFunction: 'sha256',
  });
  const once = makeIdempotent(
    async (_request: IdempotentRequest, _context: Context, work: () => Promise<StoredResponse>) => work(),
    { persistenceStore, config, keyPrefix: 'v1-records' },
  );

  return async (request, context, work) => {
    // Set only when this call ran `work`; otherwise the answer is a replay.
    let completed: HttpResponse | undefined;
    try {
      const stored = await once(request, context, async () => {
        completed = await work();
        return toStored(completed);
      });
      return completed ?? replayOf(stored);
    } catch (error) {
      if (error instanceof AnswerNotKept) return error.response;
      if (error instanceof IdempotencyValidationError) {
        throw new ProblemError(
          'IDEMPOTENCY_KEY_REUSED',
          'The key was first used with another body: repeat a request with the same JSON body, or use a new key.',
          undefined,
          { cause: error },
        );
      }
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw new ProblemError(
          'IDEMPOTENCY_IN_FLIGHT',
          'Wait for the first request with this Idempotency-Key to finish, then repeat it to get its answer.',
          undefined,
          { cause: error },
        );
      }
      // The work is done but its answer could not be stored: give the answer rather than a 500 for writes
      // that happened, and free the key so a retry runs again (unchanged records) instead of meeting a 409.
      if (completed && error instanceof IdempotencyPersistenceLayerError) {
        logger.warn('response not stored for replay', { error });
        await persistenceStore.deleteRecord(request as unknown as PersistedData).catch((cause: unknown) => {
          logger.warn('in-progress record left to expire', { error: cause as Error });
        });
        return completed;
      }
      throw error;
    }
  };
}

function toStored(response: HttpResponse): StoredResponse {
  return {
    statusCode: response.statusCode ?? 200,
    headers: Object.fromEntries(Object.entries(response.headers ?? {}).map(([k, v]) => [k, String(v)])),
    gzippedBody: gzipSync(response.body ?? '').toString('base64'),
  };
}

function replayOf(stored: StoredResponse): HttpResponse {
  return {
    statusCode: stored.statusCode,
    headers: { ...stored.headers, [REPLAYED_HEADER]: 'true' },
    body: gunzipSync(Buffer.from(stored.gzippedBody, 'base64')).toString('utf8'),
  };
}
