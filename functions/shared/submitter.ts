import type { APIGatewayEventRequestContextV2, APIGatewayProxyEventV2WithRequestContext } from 'aws-lambda';
import { ProblemError } from './problem.ts';
import type { SubmitterRef } from './store-items.ts';

/** The parts of an HTTP API request context that carry the caller's identity (JWT claims or IAM). */
interface HubRequestContext extends APIGatewayEventRequestContextV2 {
  authorizer?: {
    jwt?: { claims?: Record<string, unknown> };
    iam?: { userArn?: string; principalOrgId?: string | null };
  };
}

export type HubRequestEvent = APIGatewayProxyEventV2WithRequestContext<HubRequestContext>;

/**
 * Who is submitting, from what API Gateway (or the local hub, which builds the same context) verified.
 * JWT: claims `sub` and `role` (`submitter_id` overrides `sub` for organisations). IAM: the principal's ARN
 * looked up in the configured principal → submitter map.
 */
export function submitterOf(
  event: HubRequestEvent,
  iamSubmitters: Record<string, SubmitterRef> = {},
): SubmitterRef {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  if (claims) {
    const submitterId = claims.submitter_id ?? claims.sub;
    const role = claims.role;
    if (typeof submitterId === 'string' && typeof role === 'string') return { submitterId, role };
  }
  const userArn = event.requestContext.authorizer?.iam?.userArn;
  const mapped = userArn === undefined ? undefined : iamSubmitters[userArn];
  if (mapped) return mapped;
  throw new ProblemError('UNAUTHORIZED', 'The caller is not a known submitter.');
}
