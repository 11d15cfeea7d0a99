import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DevTokens } from './dev-submitters.ts';
import { generateSigningKey, type SigningKey } from './local-jwt.ts';

/** Secrets the local hub must keep stable when it keeps its data: the personKey key and the token-signing key. */
export interface HubSecrets {
  personKeySecret: string;
  signingKey: SigningKey;
}

const SECRETS_FILE = 'secrets.json';
/** The running hub's signing key in the state dir, for `npm run token` (whatever the hub's data dir). */
const SIGNING_KEY_FILE = 'signing-key.json';

async function writePrivate(dir: string, name: string, value: unknown): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, name);
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  return file;
}

/** Loads the secrets from `dataDir` (creating what is missing), or makes fresh ones for an in-memory hub. */
export async function loadHubSecrets(dataDir: string | undefined): Promise<HubSecrets> {
  const kept = dataDir ? await readJson<Partial<HubSecrets>>(join(dataDir, SECRETS_FILE)) : undefined;
  if (kept?.personKeySecret && kept.signingKey) return kept as HubSecrets;
  const secrets: HubSecrets = {
    personKeySecret: kept?.personKeySecret ?? randomBytes(32).toString('base64url'),
    signingKey: kept?.signingKey ?? (await generateSigningKey()),
  };
  if (dataDir) await writePrivate(dataDir, SECRETS_FILE, secrets);
  return secrets;
}

/** Keeps the running hub's signing key beside endpoints.json, so tokens can be issued while it runs. */
export function writeSigningKey(stateDir: string, key: SigningKey): Promise<string> {
  return writePrivate(stateDir, SIGNING_KEY_FILE, key);
}

/** The signing key of a kept hub (its data dir) or of the last hub started with this state dir. */
export async function readSigningKey(where: { dataDir?: string; stateDir: string }): Promise<SigningKey> {
  const key = where.dataDir
    ? (await readJson<Partial<HubSecrets>>(join(where.dataDir, SECRETS_FILE)))?.signingKey
    : await readJson<SigningKey>(join(where.stateDir, SIGNING_KEY_FILE));
  if (key === undefined) {
    const place = where.dataDir ?? where.stateDir;
    throw new Error(`No hub signing key in ${place}: start the hub first (npm start [-- --data-dir DIR]).`);
  }
  return key;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** What `npm start` writes to `.local-hub/endpoints.json` for submitters, subscribers and the demo. */
export interface HubEndpoints {
  apiUrl: string;
  /** The operator console (console/), served by the hub. */
  consoleUrl: string;
  region: string;
  sqsEndpoint: string;
  dynamodbEndpoint: string;
  eventBridgeEndpoint: string;
  tableName: string;
  queues: Record<string, string>;
  deadLetterQueues: Record<string, string>;
  /** Every derived event (PersonProfile.Updated, PermitEligibility.Changed), for inspection (local only). */
  derivedEventsQueue?: string;
  /** How the hub's tokens verify, as an OIDC issuer would publish it. */
  identity: { issuer: string; audience: string; jwksUrl: string };
  /** A token per sample submitter (submitterId → token), valid for DEFAULT_TOKEN_LIFETIME. */
  tokens: DevTokens;
}

export function writeEndpoints(stateDir: string, endpoints: HubEndpoints): Promise<string> {
  return writePrivate(stateDir, 'endpoints.json', endpoints);
}
