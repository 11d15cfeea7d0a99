import { z } from 'zod';
import { ProblemError } from '#api/problems.ts';
import { auditQuery } from '#api/query-api.ts';
import type { Department } from '#events/subscriptions.ts';
import { valueIssue } from '#schemas/errors.ts';
import { type AuditPage, type AuditStore, auditKeyRange, decodeCursor } from '../adapters/audit-store.ts';
import { requireDepartment } from '../http/department-caller.ts';
import { queryParameters } from '../http/request-body.ts';
import type { HubRequestEvent, Submitter } from '../http/submitter.ts';

/** The sort key a cursor stands for, or undefined for one this API never issued. */
function cursorKey(cursor: string): string | undefined {
  try {
    return decodeCursor(cursor);
  } catch {
    return undefined;
  }
}

/**
 * The documented query (api/query-api.ts), with the checks the store needs: `to` not before `from` (400
 * DATE_RANGE, where DynamoDB would refuse the range), and a cursor this API issued for the same range. The
 * range check runs even when a field failed, so it reads only what is there.
 */
export const auditRequest = auditQuery
  .extend({
    cursor: z
      .string()
      .refine((cursor) => cursorKey(cursor) !== undefined, 'not a cursor this API issued')
      .optional(),
  })
  .superRefine((query, ctx) => {
    if (typeof query.from !== 'string') return;
    const range = auditKeyRange(query);
    if (range.from > range.to) {
      ctx.addIssue(valueIssue('DATE_RANGE', undefined, ['to']));
      return;
    }
    const after = query.cursor === undefined ? undefined : cursorKey(query.cursor);
    if (after !== undefined && (after < range.from || after > range.to))
      ctx.addIssue(
        valueIssue('VALUE_INVALID', { accepted: 'the nextCursor of the same from and to' }, ['cursor']),
      );
  });

/**
 * `GET /v1/audit?department=health&from=2025-09-01`: the look-up audit trail of a department, oldest first,
 * in pages. Only for a department caller with an audit right: claim `audit: true` reads its own
 * department's trail, `audit: "all"` any department's (a supervising office). Everyone else: 403.
 */
export async function auditTrail(
  event: HubRequestEvent,
  caller: Submitter,
  deps: { audit: AuditStore },
): Promise<AuditPage & { department: Department }> {
  const own = requireDepartment(caller);
  if (own.audit === undefined)
    throw new ProblemError('FORBIDDEN', 'Reading the audit trail needs an audit right (claim "audit").');
  const query = queryParameters(
    event,
    auditRequest,
    'Send ?from=YYYY-MM-DD (or an ISO time), optionally &to=, &department=, &limit=1..1000, &cursor=.',
  );
  const department = query.department ?? own.department;
  if (department !== own.department && own.audit !== 'all')
    throw new ProblemError('FORBIDDEN', 'The audit right of this caller covers its own department only.');
  const page = await deps.audit.list(department, {
    from: query.from,
    ...(query.to === undefined ? {} : { to: query.to }),
    ...(query.limit === undefined ? {} : { limit: query.limit }),
    ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
  });
  return { department, ...page };
}
