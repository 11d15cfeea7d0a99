import type { SubmitterRole } from '#domain/permissions.ts';
import { SMOKE_SUBMITTER_ID } from '#events/smoke.ts';
import { issueToken, type SigningKey, type SubmitterClaims } from './local-jwt.ts';
import { DEMO_NEWCOMER_ID_NUMBER } from './sample-data.ts';

/** The sample resident's own ID number (DOMAIN.md's example person), carried in their token's `id_number`. */
export const SAMPLE_RESIDENT_ID_NUMBER = '330106199003071236';

/** Sample submitters of the local hub, one per role; `npm start` prints a token for each. */
export const SAMPLE_SUBMITTERS: ReadonlyArray<{
  submitterId: string;
  role: SubmitterRole;
  idNumber?: string;
  /** Department callers name their department (look-ups are cut to its fields) and may hold an audit right. */
  department?: string;
  audit?: boolean | 'all';
  /** A coordinator's divisions. */
  divisions?: readonly string[];
}> = [
  { submitterId: 'landlord-wang-fang', role: 'landlord' },
  { submitterId: 'property-manager-lvcheng', role: 'property-manager' },
  { submitterId: 'agency-woaiwojia-xihu', role: 'agency' },
  { submitterId: 'employer-xihu-tech', role: 'employer' },
  { submitterId: 'school-wensan-primary', role: 'school' },
  {
    submitterId: 'dept-public-security-xihu',
    role: 'department',
    department: 'public-security',
    audit: true,
  },
  { submitterId: 'dept-health-xihu', role: 'department', department: 'health' },
  // The province's leading-group office (领导小组办公室, seated in public security): every subscriber's queue.
  {
    submitterId: 'ops-province-office',
    role: 'department',
    department: 'public-security',
    audit: 'all',
  },
  { submitterId: 'dept-hrss-hangzhou', role: 'department', department: 'hrss' },
  { submitterId: 'dept-legal-aid-xihu', role: 'department', department: 'justice' },
  { submitterId: 'resident-self-service', role: 'resident', idNumber: SAMPLE_RESIDENT_ID_NUMBER },
  // The demo's newcomer, signed in to the self-service app (自助申领) by the real-name platform.
  { submitterId: 'resident-liu-yang', role: 'resident', idNumber: DEMO_NEWCOMER_ID_NUMBER },
  { submitterId: 'coordinator-xihu-wenxin', role: 'coordinator', divisions: ['330106'] },
  // The reserved smoke-test submitter (events/smoke.ts): `npm run hub -- smoke` submits as it.
  { submitterId: SMOKE_SUBMITTER_ID, role: 'department' },
];

/** submitterId → bearer token. */
export type DevTokens = Record<string, string>;

/** The claims of a submitter's token: `sub` is the submitter id, a resident's ID number in `id_number`. */
export function claimsOf(submitter: {
  submitterId: string;
  role: string;
  idNumber?: string;
  department?: string;
  audit?: boolean | 'all';
  divisions?: readonly string[];
}): SubmitterClaims {
  return {
    sub: submitter.submitterId,
    role: submitter.role,
    ...(submitter.idNumber === undefined ? {} : { id_number: submitter.idNumber }),
    ...(submitter.divisions === undefined ? {} : { divisions: [...submitter.divisions] }),
    ...(submitter.department === undefined ? {} : { department: submitter.department }),
    ...(submitter.audit === undefined ? {} : { audit: submitter.audit }),
  };
}

/** A fresh token (default lifetime) per sample submitter, signed with the hub's key. */
export async function issueSampleTokens(key: SigningKey): Promise<DevTokens> {
  const tokens = await Promise.all(
    SAMPLE_SUBMITTERS.map(async (s) => [s.submitterId, await issueToken(key, claimsOf(s))] as const),
  );
  return Object.fromEntries(tokens);
}
