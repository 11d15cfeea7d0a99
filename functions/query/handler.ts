import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { QUERY_ROUTES } from '#api/query-api.ts';
import type { SubmitterRef } from '#domain/permissions.ts';
import type { AuditStore } from '../adapters/audit-store.ts';
import type { DeliveryLog } from '../adapters/delivery-log.ts';
import type { DeliveryMetrics } from '../adapters/delivery-metrics.ts';
import type { PermitNumberIndex } from '../adapters/permit-number-index.ts';
import type { ProfileStore } from '../adapters/profile-store.ts';
import type { StatsStore } from '../adapters/stats-store.ts';
import { bodyCharset } from '../http/body-charset.ts';
import { bodyLimit } from '../http/body-limit.ts';
import { jsonDepthLimit } from '../http/json-depth-limit.ts';
import { jsonRoutes } from '../http/json-routes.ts';
import { problemJson } from '../http/problem-json.ts';
import type { HubRequestEvent } from '../http/submitter.ts';
import { type SubmitterContext, submitterContext } from '../http/submitter-context.ts';
import type { DerivedConfig } from '../runtime/derived-config.ts';
import { logger } from '../runtime/logger.ts';
import { auditTrail } from './audit.ts';
import { deliveryLog } from './deliveries.ts';
import { lookupPerson } from './lookup.ts';
import { divisionStats } from './stats.ts';
import { verifyPermit } from './verify.ts';

export interface QueryDeps {
  profiles: ProfileStore;
  permitNumbers: Pick<PermitNumberIndex, 'holderOf'>;
  audit: AuditStore;
  stats: Pick<StatsStore, 'readCounters'>;
  deliveries: Pick<DeliveryLog, 'read'>;
  /** Counts from outside the table (the bus rules' metrics on AWS); none locally, where the hub logs them. */
  deliveryMetrics?: DeliveryMetrics;
  personKeySecret: string;
  config: DerivedConfig;
  now?: () => Date;
  /** IAM principal ARN → submitter (with `department`, `audit`), for callers that sign with SigV4. */
  iamSubmitters?: Record<string, SubmitterRef>;
}

/** A look-up or verification body holds one ID or permit number: anything much larger is not one. */
const MAX_BODY_BYTES = 4 * 1024;

/**
 * The department-facing read API (README "Derived services"): `POST /v1/persons/lookup`,
 * `POST /v1/permits/verify`, `GET /v1/stats`, `GET /v1/audit`, behind the same authorizer as submissions; problem+json on every error.
 */
export function createQueryHandler(deps: QueryDeps) {
  const now = deps.now ?? (() => new Date());
  const resolved = { ...deps, now };
  const route = jsonRoutes([
    [QUERY_ROUTES.lookup, (event, caller) => lookupPerson(event, caller, resolved)],
    [QUERY_ROUTES.verify, (event, caller) => verifyPermit(event, caller, resolved)],
    [QUERY_ROUTES.stats, (event, caller) => divisionStats(event, caller, resolved)],
    [QUERY_ROUTES.audit, (event, caller) => auditTrail(event, caller, resolved)],
    [
      QUERY_ROUTES.deliveries,
      (event, caller) =>
        deliveryLog(event, caller, { deliveries: deps.deliveries, metrics: deps.deliveryMetrics }),
    ],
  ]);
  return middy<HubRequestEvent, APIGatewayProxyStructuredResultV2, Error, SubmitterContext>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(problemJson({ logger }))
    .use(httpHeaderNormalizer())
    .use(submitterContext(deps.iamSubmitters))
    .use(bodyLimit({ maxBytes: MAX_BODY_BYTES }))
    .use(bodyCharset())
    .use(jsonDepthLimit({ maxDepth: 4 }))
    .handler(route);
}
