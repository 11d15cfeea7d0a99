import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DevTokens, issueDevTokens } from './dev-submitters.ts';

/** Secrets the local hub must keep stable when it keeps its data: the personKey key and the dev tokens. */
export interface HubSecrets {
  personKeySecret: string;
  tokens: DevTokens;
}

/** Loads the secrets from `dataDir` (creating them the first time), or makes fresh ones for an in-memory hub. */
export async function loadHubSecrets(dataDir: string | undefined): Promise<HubSecrets> {
  const fresh = (): HubSecrets => ({
    personKeySecret: randomBytes(32).toString('base64url'),
    tokens: issueDevTokens(),
  });
  if (!dataDir) return fresh();
  const file = join(dataDir, 'secrets.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as HubSecrets;
  } catch {
    const secrets = fresh();
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    return secrets;
  }
}

/** What `npm start` writes to `.local-hub/endpoints.json` for submitters, subscribers and the demo. */
export interface HubEndpoints {
  apiUrl: string;
  region: string;
  sqsEndpoint: string;
  dynamodbEndpoint: string;
  eventBridgeEndpoint: string;
  tableName: string;
  queues: Record<string, string>;
  deadLetterQueues: Record<string, string>;
  tokens: DevTokens;
}

export async function writeEndpoints(stateDir: string, endpoints: HubEndpoints): Promise<string> {
  await mkdir(stateDir, { recursive: true });
  const file = join(stateDir, 'endpoints.json');
  await writeFile(file, `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 });
  return file;
}
