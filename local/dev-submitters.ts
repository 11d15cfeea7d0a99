import { randomBytes } from 'node:crypto';

/**
 * Sample submitters of the local hub, one per role, with the bearer tokens it accepts for them. Until real
 * identity lands (JWTs from the province's OIDC issuer, IAM), a token only names a submitter and its role.
 */
export const SAMPLE_SUBMITTERS = [
  { submitterId: 'landlord-wang-fang', role: 'landlord' },
  { submitterId: 'property-manager-lvcheng', role: 'property-manager' },
  { submitterId: 'agency-woaiwojia-xihu', role: 'agency' },
  { submitterId: 'employer-xihu-tech', role: 'employer' },
  { submitterId: 'school-wensan-primary', role: 'school' },
  { submitterId: 'dept-public-security-xihu', role: 'department' },
  { submitterId: 'resident-self-service', role: 'resident' },
] as const;

export type DevTokens = Record<string, string>;

/** A fresh random token per sample submitter (kept across restarts when the hub keeps its data). */
export function issueDevTokens(): DevTokens {
  return Object.fromEntries(
    SAMPLE_SUBMITTERS.map((s) => [s.submitterId, `dev.${randomBytes(18).toString('base64url')}`]),
  );
}

/** The claims the deployed JWT authorizer would pass on for a valid token, or undefined. */
export function devAuthenticator(tokens: DevTokens): (token: string) => Record<string, string> | undefined {
  const byToken = new Map(
    SAMPLE_SUBMITTERS.filter((s) => tokens[s.submitterId] !== undefined).map((s) => [
      tokens[s.submitterId],
      s,
    ]),
  );
  return (token) => {
    const submitter = byToken.get(token);
    return submitter && { sub: submitter.submitterId, role: submitter.role };
  };
}
