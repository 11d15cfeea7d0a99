import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';

/**
 * The local hub's stand-in for the province's OIDC issuer: it signs submitter tokens with its own ES256 key
 * and verifies them as API Gateway's JWT authorizer does (signature, issuer, audience, expiry). The issuer is
 * a fixed name, not the hub's URL, so tokens stay valid when the port changes or a kept hub restarts.
 */
export const LOCAL_ISSUER = 'urn:residence-data-hub:local';
export const LOCAL_AUDIENCE = 'residence-data-hub';
/** How long `npm start`'s sample tokens and `npm run token`'s tokens live unless told otherwise. */
export const DEFAULT_TOKEN_LIFETIME = '12h';
const ALGORITHM = 'ES256';

/** The private signing key as a JWK (with `kid`), as it is kept in the hub's secrets. */
export type SigningKey = JWK;

/** The claims of a submitter token (functions/http/submitter.ts SUBMITTER_CLAIMS reads them). */
export interface SubmitterClaims {
  sub: string;
  role: string;
  submitter_id?: string;
  id_number?: string;
  /** A department caller's department (functions/http/department-claims.ts). */
  department?: string;
  /** A department caller's audit right: true (own department) or 'all'. */
  audit?: boolean | 'all';
  /** A coordinator's divisions (6-digit codes). */
  divisions?: string[];
}

export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: ALGORITHM, use: 'sig' };
}

/** The public half, as integrators fetch it from `GET /.well-known/jwks.json`. */
export function publicJwks(key: SigningKey): { keys: JWK[] } {
  const { d: _private, ...publicKey } = key;
  return { keys: [publicKey] };
}

/** A signed submitter token; `expiresIn` is a jose time span ('12h', '30m') or seconds. */
export async function issueToken(
  key: SigningKey,
  claims: SubmitterClaims,
  expiresIn: string | number = DEFAULT_TOKEN_LIFETIME,
): Promise<string> {
  const { sub, ...rest } = claims;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT', ...(key.kid ? { kid: key.kid } : {}) })
    .setSubject(sub)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(typeof expiresIn === 'number' ? now + expiresIn : expiresIn)
    .sign(await importJWK(key, ALGORITHM));
}

export type Verification = { ok: true; claims: Record<string, string> } | { ok: false; reason: string };

/** Why a token failed, in words that never repeat the token. */
function reasonOf(error: unknown): string {
  const { code, claim } = error as { code?: string; claim?: string };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'The token has expired; issue a new one.';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'aud') return `The token is for another audience; expected "${LOCAL_AUDIENCE}".`;
      if (claim === 'iss') return `The token is from another issuer; expected "${LOCAL_ISSUER}".`;
      return `The token's "${claim}" claim is missing or not valid now.`;
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return "The token's signature does not verify with the hub's key.";
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return `The token must be signed with ${ALGORITHM}.`;
    default:
      return 'The token is not a well-formed signed JWT.';
  }
}

/** Claims as API Gateway's JWT authorizer hands them to the function: every value a string. */
function authorizerClaims(payload: JWTPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [
      name,
      typeof value === 'string'
        ? value
        : Array.isArray(value)
          ? `[${value.join(' ')}]`
          : typeof value === 'object'
            ? JSON.stringify(value)
            : String(value),
    ]),
  );
}

/** Verifies bearer tokens against the hub's key, issuer and audience. */
export function localVerifier(key: SigningKey): (token: string) => Promise<Verification> {
  const publicKey = importJWK(publicJwks(key).keys[0] ?? {}, ALGORITHM);
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, await publicKey, {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        algorithms: [ALGORITHM],
        requiredClaims: ['exp', 'sub'],
      });
      return { ok: true, claims: authorizerClaims(payload) };
    } catch (error) {
      return { ok: false, reason: reasonOf(error) };
    }
  };
}
