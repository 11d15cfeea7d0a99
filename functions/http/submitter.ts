import type { APIGatewayEventRequestContextV2, APIGatewayProxyEventV2WithRequestContext } from 'aws-lambda';
import { ProblemError } from '#api/problems.ts';
import type { SubmitterRef } from '#domain/permissions.ts';
import { type Caller, isSubmitterRole, SUBMITTER_ROLES, type SubmitterRole } from '#domain/permissions.ts';
import { idNumber } from '#schemas/values/id-number.ts';
import { containsPersonalNumber, identifierProblem } from '#schemas/values/identifier.ts';
import { type DepartmentIdentity, departmentIdentityOf } from './department-claims.ts';

/** The parts of an HTTP API request context that carry the caller's identity (JWT claims or IAM). */
interface HubRequestContext extends APIGatewayEventRequestContextV2 {
  authorizer?: {
    jwt?: { claims?: Record<string, unknown> };
    iam?: { userArn?: string; principalOrgId?: string | null };
  };
}

export type HubRequestEvent = APIGatewayProxyEventV2WithRequestContext<HubRequestContext>;

/**
 * The verified caller. `submitterId` and `role` are what the store and the events record (SubmitterRef);
 * a resident's `idNumber` is only compared with their records and is never stored, logged or published.
 */
export interface Submitter extends Caller, DepartmentIdentity {
  submitterId: string;
  role: SubmitterRole;
  department?: DepartmentIdentity['department'];
}

/** The token claims the hub reads (API Gateway's JWT authorizer has verified signature, iss, aud and exp). */
export const SUBMITTER_CLAIMS = {
  /** The subject: the submitter's id unless `submitter_id` is given. Required. */
  subject: 'sub',
  /** One of SUBMITTER_ROLES. Required. */
  role: 'role',
  /** The organisation's submitter id, when `sub` names a user acting for it. Optional. */
  submitterId: 'submitter_id',
  /** The resident's own resident ID number, as the province's real-name IdP issues it. Required for residents. */
  idNumber: 'id_number',
  /** A coordinator's divisions: 6-digit division codes (a city's covers its counties). Required for coordinators. */
  divisions: 'divisions',
} as const;

const unauthorized = (detail: string) => new ProblemError('UNAUTHORIZED', detail);

/** The longest submitter id, as for a record's sourceId: it is stored with every record it reports. */
export const MAX_SUBMITTER_ID_LENGTH = 128;

/**
 * Who is submitting, from what API Gateway (or the local hub, which builds the same context) verified.
 * JWT: the claims in SUBMITTER_CLAIMS. IAM: the principal's ARN looked up in the principal → submitter map
 * (IAM_SUBMITTERS). Either way the same Submitter, or 401 saying what is missing.
 */
export function submitterOf(
  event: HubRequestEvent,
  iamSubmitters: Record<string, SubmitterRef> = {},
): Submitter {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  if (claims) return submitterOfClaims(claims);
  const userArn = event.requestContext.authorizer?.iam?.userArn;
  const mapped = userArn === undefined ? undefined : iamSubmitters[userArn];
  if (mapped)
    return withDepartment(
      checkedSubmitter(mapped.submitterId, mapped.role, { divisions: mapped.divisions }, 'the IAM mapping'),
      mapped,
    );
  throw unauthorized('The caller is not a known submitter: send a bearer token or sign the request.');
}

function submitterOfClaims(claims: Record<string, unknown>): Submitter {
  const { subject, role, submitterId, idNumber: idClaim, divisions } = SUBMITTER_CLAIMS;
  const id = claims[submitterId] ?? claims[subject];
  if (typeof id !== 'string' || id === '')
    throw unauthorized(`The token has no "${subject}" (or "${submitterId}") claim.`);
  const personal = { idNumber: claims[idClaim], divisions: claims[divisions] };
  return withDepartment(checkedSubmitter(id, claims[role], personal, 'the token'), claims);
}

const SIX_DIGITS = /^\d{6}$/;

/**
 * A coordinator's divisions: a list of 6-digit codes. API Gateway's JWT authorizer hands a list claim over as
 * one string, `[330105 330106]`; identity platforms that flatten lists write `330105,330106`. Undefined when
 * any entry is not a 6-digit code, or there is none.
 */
function divisionsOf(claim: unknown): string[] | undefined {
  const list =
    typeof claim === 'string'
      ? claim
          .replace(/^\[|\]$/g, '')
          .split(/[\s,]+/)
          .filter(Boolean)
      : claim;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  return list.every((code) => typeof code === 'string' && SIX_DIGITS.test(code)) ? list : undefined;
}

/** A department caller's `department` and `audit` claims (department-claims.ts). */
function withDepartment(submitter: Submitter, source: object): Submitter {
  return { ...submitter, ...departmentIdentityOf(submitter.role, source as Record<string, unknown>) };
}

function checkedSubmitter(
  submitterId: string,
  role: unknown,
  claims: { idNumber?: unknown; divisions?: unknown },
  source: string,
): Submitter {
  if (!isSubmitterRole(role))
    throw unauthorized(`The "role" in ${source} must be one of ${SUBMITTER_ROLES.join(', ')}.`);
  // A submitter id ends up in provenance and events as it is: visible text, never a person's number.
  if (identifierProblem(submitterId, MAX_SUBMITTER_ID_LENGTH) !== undefined)
    throw unauthorized(
      `The submitter id in ${source} must be 1 to ${MAX_SUBMITTER_ID_LENGTH} visible characters (no control or invisible ones).`,
    );
  if (containsPersonalNumber(submitterId))
    throw unauthorized(
      `The submitter id in ${source} must be an opaque id that holds no resident ID or mobile number.`,
    );
  if (role === 'coordinator') {
    const divisions = divisionsOf(claims.divisions);
    if (divisions === undefined)
      throw unauthorized(
        `A coordinator's ${source} must carry "${SUBMITTER_CLAIMS.divisions}": the 6-digit division codes it serves.`,
      );
    return { submitterId, role, divisions };
  }
  if (role !== 'resident') return { submitterId, role };
  const ownId = idNumber.safeParse(claims.idNumber);
  if (!ownId.success)
    throw unauthorized(`A resident's ${source} must carry a valid "${SUBMITTER_CLAIMS.idNumber}" claim.`);
  return { submitterId, role, idNumber: ownId.data };
}
