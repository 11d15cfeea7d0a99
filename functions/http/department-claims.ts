import { ProblemError } from '#api/problems.ts';
import { DEPARTMENTS, type Department } from '#events/subscriptions.ts';

/**
 * The claims of a department caller (role `department`), beside `sub` and `role` (submitter.ts):
 * - `department`: which department the caller acts for — one of public-security, housing, hrss, education,
 *   health. Required for the look-up and the audit trail; the look-up shows what this department may see.
 * - `audit`: the right to read audit trails — `true` (or "true"): its own department's; `"all"`: any
 *   department's (a supervising data-protection office).
 * An IAM mapping entry (IAM_SUBMITTERS) may carry the same two keys.
 */
const DEPARTMENT_CLAIMS = { department: 'department', audit: 'audit' } as const;

export type AuditRight = 'own' | 'all';

export interface DepartmentIdentity {
  department?: Department;
  audit?: AuditRight;
}

const isDepartment = (value: unknown): value is Department =>
  typeof value === 'string' && (DEPARTMENTS as readonly string[]).includes(value);

function auditRightOf(value: unknown): AuditRight | undefined {
  if (value === true || value === 'true') return 'own';
  if (value === 'all') return 'all';
  return undefined;
}

/**
 * The department claims of a verified caller with role `department`; nothing for any other role. A
 * `department` claim naming no known department is refused (401), so a typo never acts as "no department".
 */
export function departmentIdentityOf(role: string, source: Record<string, unknown>): DepartmentIdentity {
  if (role !== 'department') return {};
  const claimed = source[DEPARTMENT_CLAIMS.department];
  if (claimed === undefined) return {};
  if (!isDepartment(claimed)) {
    throw new ProblemError(
      'UNAUTHORIZED',
      `The "${DEPARTMENT_CLAIMS.department}" claim must be one of ${DEPARTMENTS.join(', ')}.`,
    );
  }
  const audit = auditRightOf(source[DEPARTMENT_CLAIMS.audit]);
  return { department: claimed, ...(audit === undefined ? {} : { audit }) };
}
