import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { IMPORT_ROUTES } from '#api/import-api.ts';
import { ProblemError } from '#api/problems.ts';
import type { SubmitterRef } from '#domain/permissions.ts';
import type { ImportFiles } from '../adapters/import-files.ts';
import { type ImportStore, importStatusOf } from '../adapters/import-store.ts';
import { bodyLimit } from '../http/body-limit.ts';
import { problemJson } from '../http/problem-json.ts';
import type { HubRequestEvent } from '../http/submitter.ts';
import { type SubmitterContext, submitterContext } from '../http/submitter-context.ts';
import { logger } from '../runtime/logger.ts';
import { errorReport, readableImport } from './import-status.ts';
import { startImport } from './start-import.ts';

/** API Gateway's payload limit: a larger file goes through an upload URL. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface ImportsHandlerDeps {
  imports: ImportStore;
  files: ImportFiles;
  now?: () => Date;
  /** IAM principal ARN → submitter, for callers that sign with SigV4. */
  iamSubmitters?: Record<string, SubmitterRef>;
}

const routeKey = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

/**
 * Bulk import (DESIGN.md §9): `POST /v1/imports` (a file as the body, or a JSON request for an upload URL),
 * `GET /v1/imports/{importId}` (progress), `GET /v1/imports/{importId}/errors` (the error report, CSV);
 * behind the submissions' authorizer, problem+json on every error.
 */
export function createImportsHandler(deps: ImportsHandlerDeps) {
  const now = deps.now ?? (() => new Date());
  const route = async (
    event: HubRequestEvent,
    context: SubmitterContext,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const caller = context.submitter;
    switch (event.routeKey) {
      case routeKey(IMPORT_ROUTES.start):
        return startImport(event, caller, { ...deps, now });
      case routeKey(IMPORT_ROUTES.status): {
        const item = await readableImport(event, caller, deps.imports);
        return {
          statusCode: 200,
          headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
          body: JSON.stringify(importStatusOf(item)),
        };
      }
      case routeKey(IMPORT_ROUTES.errors):
        return errorReport(await readableImport(event, caller, deps.imports), deps);
      default:
        throw new ProblemError('NOT_FOUND', event.routeKey);
    }
  };
  return middy<HubRequestEvent, APIGatewayProxyStructuredResultV2, Error, SubmitterContext>()
    .use(problemJson({ logger }))
    .use(httpHeaderNormalizer())
    .use(submitterContext(deps.iamSubmitters))
    .use(bodyLimit({ maxBytes: MAX_BODY_BYTES }))
    .handler(route);
}
