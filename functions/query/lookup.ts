import { ProblemError } from '#api/problems.ts';
import { personLookupRequest } from '#api/query-api.ts';
import { chinaDateOf } from '#domain/dates.ts';
import { departmentLookupView, returnedFields } from '#domain/department-view.ts';
import { evaluateEligibility } from '#domain/eligibility.ts';
import { verifyPermits } from '#domain/permit.ts';
import { personKeyOf } from '#domain/person-key.ts';
import { scorePoints } from '#domain/points.ts';
import { pointsTableFor } from '#domain/points-config.ts';
import type { AuditStore } from '../adapters/audit-store.ts';
import type { ProfileStore } from '../adapters/profile-store.ts';
import { requireDepartment } from '../http/department-caller.ts';
import { jsonBody } from '../http/request-body.ts';
import type { HubRequestEvent, Submitter } from '../http/submitter.ts';
import type { DerivedConfig } from '../runtime/derived-config.ts';

export interface LookupDeps {
  profiles: ProfileStore;
  audit: AuditStore;
  personKeySecret: string;
  config: DerivedConfig;
  now: () => Date;
}

/**
 * A department's look-up of one person: the profile, the permit eligibility, the points and whether a permit
 * is in force as of today (or the requested day), evaluated on read so that months passing since the last
 * derivation count, cut to the fields the caller's department may see (domain/department-view.ts). Every look-up, found or not, leaves an
 * audit entry naming the caller, the personKey and the fields returned; the entry is written before the
 * answer is sent, and a look-up whose entry cannot be written fails.
 */
export async function lookupPerson(event: HubRequestEvent, caller: Submitter, deps: LookupDeps) {
  const { department, submitterId } = requireDepartment(caller);
  const { idNumber: id, asOf: requestedDay } = jsonBody(
    event,
    personLookupRequest,
    'Send { "idNumber": "<18-character resident ID>" } and optionally "asOf": "YYYY-MM-DD".',
  );
  const personKey = personKeyOf(id, deps.personKeySecret);
  const item = await deps.profiles.get(personKey);
  const now = deps.now();
  const at = now.toISOString();
  const requestId = event.requestContext.requestId;
  if (item === undefined) {
    await deps.audit.append({
      at,
      department,
      submitterId,
      personKey,
      found: false,
      operation: 'lookup',
      fields: [],
      requestId,
    });
    throw new ProblemError('NOT_FOUND', 'No person with this ID number is registered with the hub.');
  }
  const asOf = requestedDay ?? chinaDateOf(at);
  const eligibility = evaluateEligibility(item.profile, asOf, deps.config.eligibility);
  const table =
    eligibility.city === undefined
      ? undefined
      : pointsTableFor(eligibility.city.padEnd(6, '0'), deps.config.pointsTables);
  const view = departmentLookupView(
    {
      idNumber: id,
      profile: item.profile,
      eligibility,
      points: table === undefined ? undefined : scorePoints(item.profile, asOf, table),
      permit: verifyPermits(item.profile.permits, asOf, deps.config.permits),
    },
    department,
  );
  await deps.audit.append({
    at,
    department,
    submitterId,
    personKey,
    found: true,
    operation: 'lookup',
    fields: returnedFields(view),
    requestId,
  });
  return view;
}
