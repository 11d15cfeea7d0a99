import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  base64url,
  createLocalJWKSet,
  importJWK,
  type JSONWebKeySet,
  jwtVerify,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_RESIDENT_ID_NUMBER } from '#local/dev-submitters.ts';
import { readSigningKey } from '#local/hub-state.ts';
import {
  generateSigningKey,
  issueToken,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  type SigningKey,
} from '#local/local-jwt.ts';
import { type HubProcess, startHubProcess } from '../helpers/hub-process.ts';
import { idNumberFor } from '../helpers/sample-people.ts';

// The local hub as integrators meet it, over HTTP: every way a token can be wrong gets 401 saying which, the
// token script's tokens work, and oversized, deeply nested or poisoned bodies are refused cleanly.

let hub: HubProcess;
let dataDir: string;
let hubKey: SigningKey;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hub-security-'));
  hub = await startHubProcess(['--data-dir', dataDir]);
  hubKey = await readSigningKey({ dataDir, stateDir: dataDir });
});

afterAll(async () => {
  expect(await hub?.stop()).toBe(0);
});

const LANDLORD = { sub: 'landlord-wang-fang', role: 'landlord' };
const OTHER_PERSON_ID = idNumberFor('320102', '1995-12-01', 244);
const OWNER_ID = idNumberFor('330106', '1968-04-15', 311);

async function post(token: string | undefined, body: unknown) {
  const response = await fetch(`${hub.endpoints.apiUrl}/v1/records`, {
    method: 'POST',
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      'content-type': 'application/json',
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    text,
    body: JSON.parse(text),
  };
}

const registration = (idNumber: string, detail = '文三路90号3幢2单元305室') => ({
  kind: 'residence-registration',
  data: {
    person: { idNumber, name: '张伟' },
    address: { divisionCode: '330106', detail },
    residenceType: 'rented',
    movedInOn: '2024-03-01',
  },
});

/** A token signed with the hub's own key, with any claims and header the test wants. */
async function signedByHub(
  build: (jwt: SignJWT) => SignJWT,
  claims: Record<string, unknown> = LANDLORD,
): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: hubKey.kid ?? '' });
  return build(jwt).sign(await importJWK(hubKey, 'ES256'));
}

/** Each way a bearer token can be wrong, and what the 401 must say about it. */
const BAD_TOKENS: Array<{ name: string; token: () => Promise<string>; detail: RegExp }> = [
  {
    name: 'forged: signed with another key that claims the hub key id',
    token: async () => issueToken({ ...(await generateSigningKey()), kid: hubKey.kid ?? '' }, LANDLORD),
    detail: /signature does not verify/,
  },
  {
    name: 'expired a minute ago',
    token: () => issueToken(hubKey, LANDLORD, -60),
    detail: /has expired/,
  },
  {
    name: 'for another audience',
    token: () =>
      signedByHub((jwt) =>
        jwt.setIssuer(LOCAL_ISSUER).setAudience('another-service').setExpirationTime('1h'),
      ),
    detail: /another audience/,
  },
  {
    name: 'from another issuer',
    token: () =>
      signedByHub((jwt) =>
        jwt.setIssuer('https://idp.attacker.example').setAudience(LOCAL_AUDIENCE).setExpirationTime('1h'),
      ),
    detail: /another issuer/,
  },
  {
    name: 'without an expiry',
    token: () => signedByHub((jwt) => jwt.setIssuer(LOCAL_ISSUER).setAudience(LOCAL_AUDIENCE)),
    detail: /"exp" claim/,
  },
  {
    name: 'alg none (unsecured), claiming to be a department',
    token: async () =>
      new UnsecuredJWT({ role: 'department' })
        .setSubject('dept-public-security-xihu')
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setExpirationTime('1h')
        .encode(),
    detail: /not a well-formed signed JWT|signed with ES256/,
  },
  {
    name: 'HS256 with the public key as the shared secret (algorithm confusion)',
    token: async () => {
      const { d: _private, ...publicJwk } = hubKey;
      return new SignJWT(LANDLORD)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(LOCAL_AUDIENCE)
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    },
    detail: /signed with ES256/,
  },
  {
    name: "a landlord's valid token with the payload edited to role department",
    token: async () => {
      const [header, payload, signature] = (hub.endpoints.tokens['landlord-wang-fang'] ?? '').split('.');
      const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload ?? '')));
      const escalated = base64url.encode(JSON.stringify({ ...claims, role: 'department' }));
      return `${header}.${escalated}.${signature}`;
    },
    detail: /signature does not verify/,
  },
  {
    name: 'not a JWT at all',
    token: async () => 'dev.not-a-jwt',
    detail: /not a well-formed signed JWT/,
  },
];

describe('bearer tokens at the local hub', () => {
  it('refuses a request without a token with 401 problem+json', async () => {
    const response = await post(undefined, { records: [registration(OTHER_PERSON_ID)] });
    expect(response).toMatchObject({
      status: 401,
      type: 'application/problem+json',
      body: { code: 'UNAUTHORIZED', detail: expect.stringMatching(/No bearer token/) },
    });
  });

  it.each(BAD_TOKENS)(
    'refuses a token $name with 401 saying why, never echoing it',
    async ({ token, detail }) => {
      const bad = await token();
      const response = await post(bad, { records: [registration(OTHER_PERSON_ID)] });

      expect(response.status).toBe(401);
      expect(response.type).toBe('application/problem+json');
      expect(response.body).toMatchObject({ code: 'UNAUTHORIZED', detail: expect.stringMatching(detail) });
      expect(response.text).not.toContain(bad);
      expect(response.text).not.toContain(bad.split('.')[1] || bad);
    },
  );

  it('publishes the verification key as JWKS, so an integrator verifies a sample token like an OIDC one', async () => {
    const jwks = (await (await fetch(hub.endpoints.identity.jwksUrl)).json()) as JSONWebKeySet;
    const { payload } = await jwtVerify(
      hub.endpoints.tokens['landlord-wang-fang'] ?? '',
      createLocalJWKSet(jwks),
      {
        issuer: hub.endpoints.identity.issuer,
        audience: hub.endpoints.identity.audience,
      },
    );

    expect(payload).toMatchObject({ sub: 'landlord-wang-fang', role: 'landlord' });
    expect(JSON.stringify(jwks)).not.toContain('"d"');
  });
});

describe('permissions with tokens from npm start and npm run token', () => {
  /** `npm run token -- …`: the running hub's key from its state dir, or a kept hub's from --data-dir. */
  const token = async (...args: string[]) => {
    const { stdout } = await promisify(execFile)(process.execPath, ['local/token.ts', ...args], {
      env: { ...process.env, HUB_STATE_DIR: hub.stateDir },
    });
    return stdout.trim();
  };

  it("rejects the sample landlord's employment record with FORBIDDEN_KIND", async () => {
    const employment = {
      kind: 'employment',
      data: {
        person: { idNumber: OTHER_PERSON_ID, name: '李娜' },
        employer: { creditCode: '91330106MA2711111A', name: '杭州西湖科技有限公司', divisionCode: '330106' },
        contractType: 'fixed-term',
        startsOn: '2024-03-04',
      },
    };
    const response = await post(hub.endpoints.tokens['landlord-wang-fang'], { records: [employment] });

    expect(response.status).toBe(200);
    expect(response.body.results[0]).toMatchObject({
      status: 'rejected',
      errors: [{ path: 'kind', code: 'FORBIDDEN_KIND' }],
    });
  });

  it("lets a resident's token submit their own registration and nobody else's", async () => {
    const resident = await token(
      '--submitter',
      'resident-zhang-wei',
      '--role',
      'resident',
      '--person-id-number',
      SAMPLE_RESIDENT_ID_NUMBER,
      '--expires-in',
      '10m',
    );
    const response = await post(resident, {
      records: [registration(SAMPLE_RESIDENT_ID_NUMBER), registration(OTHER_PERSON_ID)],
    });

    expect(response.body.results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'rejected']);
    expect(response.body.results[1].errors).toEqual([
      expect.objectContaining({ path: 'data.person.idNumber', code: 'SUBJECT_MISMATCH' }),
    ]);
  });

  it("rejects a second landlord's tenancy in the first landlord's registered flat with PROPERTY_NOT_OWNED", async () => {
    const flat = { divisionCode: '330106', detail: '文三路100号2幢1单元201室' };
    const registered = await post(hub.endpoints.tokens['landlord-wang-fang'], {
      records: [
        { kind: 'rental-property', data: { owner: { name: '王芳', idNumber: OWNER_ID }, address: flat } },
      ],
    });
    const otherLandlord = await token(
      '--data-dir',
      dataDir,
      '--submitter',
      'landlord-li-qiang',
      '--role',
      'landlord',
    );
    const response = await post(otherLandlord, {
      records: [
        {
          kind: 'tenancy',
          data: {
            tenant: { idNumber: OTHER_PERSON_ID, name: '李娜' },
            landlord: { name: '李强', idNumber: idNumberFor('330106', '1970-01-01', 413) },
            property: flat,
            startsOn: '2024-03-01',
          },
        },
      ],
    });

    expect(registered.body.summary.accepted).toBe(1);
    expect(response.body.results[0]).toMatchObject({
      status: 'rejected',
      errors: [{ path: 'data.property', code: 'PROPERTY_NOT_OWNED' }],
    });
  });
});

describe('bodies that must not get through', () => {
  const landlord = () => hub.endpoints.tokens['landlord-wang-fang'];

  it('refuses a body over the 2 MB submission limit, and one over API Gateway’s 10 MB, with 413', async () => {
    const overSubmission = await post(landlord(), `{"records":["${'x'.repeat(3 * 1024 * 1024)}"]}`);
    const overGateway = await post(landlord(), `{"records":["${'x'.repeat(11 * 1024 * 1024)}"]}`);

    expect(overSubmission).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(overGateway).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('refuses 10,000 nested arrays in data with 400, and the hub keeps serving', async () => {
    const deep = `{"records":[{"kind":"tenancy","data":{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}}]}`;
    const response = await post(landlord(), deep);
    const health = await fetch(`${hub.endpoints.apiUrl}/health`);

    expect(response).toMatchObject({ status: 400, body: { code: 'NESTING_TOO_DEEP' } });
    expect(health.status).toBe(200);
  });

  it('refuses a __proto__ key with 400', async () => {
    const response = await post(landlord(), '{"records":[{"kind":"tenancy","data":{"__proto__":{"x":1}}}]}');
    expect(response).toMatchObject({ status: 400, body: { code: 'MALFORMED_JSON' } });
  });
});
