import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { toFieldErrors } from '#schemas/errors.ts';
import { MAX_SUBMISSION_BYTES, submissionEnvelope } from '#schemas/submission.ts';
import { bodyLimit } from '../shared/middlewares/body-limit.ts';
import { problemJson } from '../shared/middlewares/problem-json.ts';
import { type SubmitterContext, submitterContext } from '../shared/middlewares/submitter-context.ts';
import { logger } from '../shared/powertools.ts';
import { ProblemError } from '../shared/problem.ts';
import type { RecordStore } from '../shared/store.ts';
import type { SubmitterRef } from '../shared/store-items.ts';
import { submitRecords } from '../shared/submit.ts';
import type { HubRequestEvent } from '../shared/submitter.ts';

export interface IngestDeps {
  store: RecordStore;
  personKeySecret: string;
  /** IAM principal ARN → submitter, for callers that sign with SigV4. */
  iamSubmitters?: Record<string, SubmitterRef>;
}

/** POST /v1/records (DESIGN.md §5): one result per record, problem+json for whole-request failures. */
export function createIngestHandler(deps: IngestDeps) {
  const ingest = async (
    event: HubRequestEvent,
    context: SubmitterContext,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const envelope = submissionEnvelope.safeParse(event.body);
    if (!envelope.success) {
      const detail = 'Send { "records": [ 1 to 500 records ] } and nothing else.';
      throw new ProblemError(
        'INVALID_ENVELOPE',
        detail,
        toFieldErrors(envelope.error, { input: event.body }),
      );
    }
    const result = await submitRecords(envelope.data.records, context.submitter, deps);
    logger.info('submission stored', { submitterId: context.submitter.submitterId, ...result.summary });
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
  };

  return middy<HubRequestEvent, APIGatewayProxyStructuredResultV2, Error, SubmitterContext>()
    .use(problemJson({ logger }))
    .use(httpHeaderNormalizer())
    .use(submitterContext(deps.iamSubmitters))
    .use(bodyLimit({ maxBytes: MAX_SUBMISSION_BYTES }))
    .use(httpJsonBodyParser())
    .handler(ingest);
}
