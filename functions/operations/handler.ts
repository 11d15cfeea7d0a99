import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { OPERATIONS_ROUTES } from '#api/operations-api.ts';
import type { SubmitterRef } from '#domain/permissions.ts';
import type { FlowCounter } from '../adapters/flow-counter.ts';
import type { ImportStore } from '../adapters/import-store.ts';
import type { LateReportCounter } from '../adapters/late-report-counter.ts';
import type { QueueMonitor, WatchedQueue } from '../adapters/queue-monitor.ts';
import { bodyLimit } from '../http/body-limit.ts';
import { jsonRoutes } from '../http/json-routes.ts';
import { problemJson } from '../http/problem-json.ts';
import type { HubRequestEvent } from '../http/submitter.ts';
import { type SubmitterContext, submitterContext } from '../http/submitter-context.ts';
import { logger } from '../runtime/logger.ts';
import { divisionLevel } from './divisions.ts';
import { flowWindow } from './flow.ts';
import { importActivity } from './import-activity.ts';
import { lateReporters } from './late-reports.ts';
import { subscriberQueues } from './subscribers.ts';

export interface OperationsDeps {
  flow: Pick<FlowCounter, 'read'>;
  lateReports: Pick<LateReportCounter, 'list'>;
  imports: Pick<ImportStore, 'activeOrFinishedSince'>;
  /** The subscribers' queues, as deployed. */
  queues: readonly WatchedQueue[];
  monitor: QueueMonitor;
  now?: () => Date;
  /** IAM principal ARN → submitter (with `department`, `audit`), for callers that sign with SigV4. */
  iamSubmitters?: Record<string, SubmitterRef>;
}

/**
 * The operations read API (README "Operations: the console and its API"): `GET /v1/flow`,
 * `GET /v1/late-reports`, `GET /v1/import-activity`, `GET /v1/subscribers`, `GET /v1/divisions`, behind the submissions' authorizer;
 * problem+json on every error. GET only, so every body is refused at the door.
 */
export function createOperationsHandler(deps: OperationsDeps) {
  const resolved = { ...deps, now: deps.now ?? (() => new Date()) };
  const route = jsonRoutes([
    [OPERATIONS_ROUTES.flow, (event, caller) => flowWindow(event, caller, resolved)],
    [OPERATIONS_ROUTES.lateReports, (event, caller) => lateReporters(event, caller, resolved)],
    [OPERATIONS_ROUTES.importActivity, (_event, caller) => importActivity(caller, resolved)],
    [OPERATIONS_ROUTES.subscribers, (_event, caller) => subscriberQueues(caller, resolved)],
    [OPERATIONS_ROUTES.divisions, (event) => divisionLevel(event)],
  ]);
  return middy<HubRequestEvent, APIGatewayProxyStructuredResultV2, Error, SubmitterContext>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(problemJson({ logger }))
    .use(httpHeaderNormalizer())
    .use(submitterContext(deps.iamSubmitters))
    .use(bodyLimit({ maxBytes: 0 }))
    .handler(route);
}
