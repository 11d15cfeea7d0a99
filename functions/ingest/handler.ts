import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { SubmissionResponse } from '#api/http-api.ts';
import { ProblemError } from '#api/problems.ts';
import type { SubmitterRef } from '#domain/permissions.ts';
import { toFieldErrors } from '#schemas/errors.ts';
import { MAX_SUBMISSION_BYTES, submissionEnvelope } from '#schemas/submission.ts';
import type { LateReportDeps } from '../adapters/late-report-counter.ts';
import type { PermitNumberIndex } from '../adapters/permit-number-index.ts';
import type { RecordStore } from '../adapters/record-store.ts';
import { bodyCharset } from '../http/body-charset.ts';
import { bodyLimit } from '../http/body-limit.ts';
import { AnswerNotKept, createIdempotentRun, idempotencyKeyOf } from '../http/idempotency.ts';
import { jsonDepthLimit } from '../http/json-depth-limit.ts';
import { problemJson } from '../http/problem-json.ts';
import type { HubRequestEvent } from '../http/submitter.ts';
import { type SubmitterContext, submitterContext } from '../http/submitter-context.ts';
import { logger } from '../runtime/logger.ts';
import { answerBody, hasWriteFailures } from './answer.ts';
import type { ApplicationFlagDeps } from './application-flags.ts';
import type { FlowRecorder } from './flow.ts';
import { submitRecords } from './submit.ts';

/** Far deeper than any record (about 6 levels), far shallower than what exhausts a parser's stack. */
const MAX_JSON_DEPTH = 32;

export interface IngestDeps {
  store: RecordStore;
  personKeySecret: string;
  /** IAM principal ARN → submitter, for callers that sign with SigV4. */
  iamSubmitters?: Record<string, SubmitterRef>;
  /**
   * Where `Idempotency-Key` requests are tracked (functions/http/idempotency.ts). Omitted only by tests
   * that do not exercise idempotency: the header is then validated but not tracked.
   */
  idempotencyStore?: BasePersistenceLayer;
  /** Reporting deadlines per kind and the per-submitter counter of late reports (late-reports.ts). */
  lateReports?: LateReportDeps;
  /** Where each batch's answer is counted: the per-minute flow counters, the CloudWatch metrics (flow.ts). */
  flow?: readonly FlowRecorder[];
  /** The person profiles and eligibility rules behind an application's flags (application-flags.ts). */
  applications?: ApplicationFlagDeps;
  /** Who holds each permit number: a permit binds its number, a card link must name its holder's. */
  permitNumbers?: PermitNumberIndex;
}

/** POST /v1/records (DESIGN.md §5): one result per record, problem+json for whole-request failures. */
export function createIngestHandler(deps: IngestDeps) {
  const runOnce = deps.idempotencyStore && createIdempotentRun(deps.idempotencyStore);
  const ingest = async (
    event: HubRequestEvent,
    context: SubmitterContext,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const idempotencyKey = idempotencyKeyOf(event.headers);
    const envelope = submissionEnvelope.safeParse(event.body);
    if (!envelope.success) {
      const detail = 'Send { "records": [ 1 to 500 records ] } and nothing else.';
      throw new ProblemError(
        'INVALID_ENVELOPE',
        detail,
        toFieldErrors(envelope.error, { input: event.body }),
      );
    }
    const submit = async () => {
      const result = await submitRecords(envelope.data.records, context.submitter, deps);
      logger.info('submission stored', { submitterId: context.submitter.submitterId, ...result.summary });
      const response: APIGatewayProxyStructuredResultV2 = {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: answerBody(result satisfies SubmissionResponse),
      };
      return { response, replayable: !hasWriteFailures(result) };
    };
    if (idempotencyKey === undefined || !runOnce) return (await submit()).response;
    const { submitterId } = context.submitter;
    return runOnce({ submitterId, key: idempotencyKey, body: event.body }, context, async () => {
      const { response, replayable } = await submit();
      if (!replayable) throw new AnswerNotKept(response);
      return response;
    });
  };

  return middy<HubRequestEvent, APIGatewayProxyStructuredResultV2, Error, SubmitterContext>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(problemJson({ logger }))
    .use(httpHeaderNormalizer())
    .use(submitterContext(deps.iamSubmitters))
    .use(bodyLimit({ maxBytes: MAX_SUBMISSION_BYTES }))
    .use(bodyCharset())
    .use(jsonDepthLimit({ maxDepth: MAX_JSON_DEPTH }))
    .use(httpJsonBodyParser())
    .handler(ingest);
}
