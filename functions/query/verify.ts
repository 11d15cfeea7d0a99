import { permitVerificationRequest } from '#api/query-api.ts';
import { chinaDateOf } from '#domain/dates.ts';
import { returnedFields } from '#domain/department-view.ts';
import { type PermitVerification, verifyPermits } from '#domain/permit.ts';
import { permitKeyOf, personKeyOf } from '#domain/person-key.ts';
import type { ProfilePermit } from '#domain/profile.ts';
import { recordIdOf } from '#domain/record-id.ts';
import type { AuditStore } from '../adapters/audit-store.ts';
import type { PermitNumberIndex } from '../adapters/permit-number-index.ts';
import type { ProfileStore } from '../adapters/profile-store.ts';
import { requireDepartment } from '../http/department-caller.ts';
import { jsonBody } from '../http/request-body.ts';
import type { HubRequestEvent, Submitter } from '../http/submitter.ts';
import type { DerivedConfig } from '../runtime/derived-config.ts';

export interface VerifyDeps {
  profiles: ProfileStore;
  permitNumbers: Pick<PermitNumberIndex, 'holderOf'>;
  audit: AuditStore;
  personKeySecret: string;
  config: DerivedConfig;
  now: () => Date;
}

/** Whose permits are asked about: the person (by ID number, or the holder of a number) and which permits. */
async function permitsAskedAbout(
  request: { idNumber?: string | undefined; permitNumber?: string | undefined },
  deps: VerifyDeps,
): Promise<{ key: string; permits: ProfilePermit[] }> {
  const secret = deps.personKeySecret;
  if (request.idNumber !== undefined) {
    const personKey = personKeyOf(request.idNumber, secret);
    return { key: personKey, permits: (await deps.profiles.get(personKey))?.profile.permits ?? [] };
  }
  const number = request.permitNumber ?? '';
  const holder = await deps.permitNumbers.holderOf(permitKeyOf(number, secret));
  // A number no one holds is audited under its own key, so repeated tries of one number show as such.
  if (holder === undefined) return { key: permitKeyOf(number, secret), permits: [] };
  // The permit's record id follows from its holder and number (the number is its natural key).
  const recordId = recordIdOf('residence-permit', [holder, number]);
  const permits = (await deps.profiles.get(holder))?.profile.permits ?? [];
  return { key: holder, permits: permits.filter((permit) => permit.recordId === recordId) };
}

/**
 * `POST /v1/permits/verify` (凭证服务): whether a person holds a residence permit in force on a day, for a service
 * that has no system of its own. Any department caller may ask, by the holder's ID number or the permit's
 * number; the answer is `valid`, `endorsedUntil`, `city`, `reason` and nothing else (domain/permit.ts). It
 * reads the person's profile, which the derive function keeps from the records (seconds behind them). Every
 * call leaves an audit entry like a look-up, written before the answer is sent.
 */
export async function verifyPermit(
  event: HubRequestEvent,
  caller: Submitter,
  deps: VerifyDeps,
): Promise<PermitVerification> {
  const { department, submitterId } = requireDepartment(caller);
  const request = jsonBody(
    event,
    permitVerificationRequest,
    'Send { "idNumber": "<resident ID>" } or { "permitNumber": "<permit number>" }, optionally "asOf": "YYYY-MM-DD".',
  );
  const at = deps.now().toISOString();
  const { key, permits } = await permitsAskedAbout(request, deps);
  const answer = verifyPermits(permits, request.asOf ?? chinaDateOf(at), deps.config.permits);
  await deps.audit.append({
    at,
    department,
    submitterId,
    personKey: key,
    found: permits.length > 0,
    operation: 'verify',
    fields: returnedFields(answer),
    requestId: event.requestContext.requestId,
  });
  return answer;
}
