import { ProblemError } from '#api/problems.ts';
import type { Department } from '#events/subscriptions.ts';
import type { AuditRight } from './department-claims.ts';
import type { Submitter } from './submitter.ts';

/** A verified caller acting for a department. */
export interface DepartmentCaller {
  submitterId: string;
  department: Department;
  audit?: AuditRight;
}

/** Any authenticated caller with role `department` (statistics need no more); 403 otherwise. */
export function requireDepartmentRole(caller: Submitter): void {
  if (caller.role !== 'department')
    throw new ProblemError('FORBIDDEN', 'Only department callers (role "department") may use this resource.');
}

/** A department caller that says which department it acts for (claim `department`); 403 otherwise. */
export function requireDepartment(caller: Submitter): DepartmentCaller {
  requireDepartmentRole(caller);
  if (caller.department === undefined)
    throw new ProblemError(
      'FORBIDDEN',
      'The token must name the department the caller acts for (claim "department").',
    );
  return {
    submitterId: caller.submitterId,
    department: caller.department,
    ...(caller.audit === undefined ? {} : { audit: caller.audit }),
  };
}

/** A department caller with an audit right (claim `audit`), for supervisory reads; 403 otherwise. */
export function requireAuditRight(caller: Submitter, what: string): Required<DepartmentCaller> {
  const own = requireDepartment(caller);
  if (own.audit === undefined)
    throw new ProblemError('FORBIDDEN', `${what} needs an audit right (claim "audit").`);
  return { ...own, audit: own.audit };
}
