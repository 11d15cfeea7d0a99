import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { UsageError } from './errors.ts';
import type { Target } from './target.ts';

export interface CallerOptions {
  /** Local hub: the sample submitter whose token to use. */
  as?: string | undefined;
  /** A bearer token (default: $HUB_TOKEN). */
  token?: string | undefined;
}

export interface ApiRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A call of the hub's HTTP API (`path` below its base URL) as a caller: with a bearer token (`--token`,
 * `$HUB_TOKEN`, or on the local hub a sample submitter's), or on a stack without a token SigV4-signed with the
 * operator's AWS credentials, for stages whose API uses IAM authorization (the principal must be mapped in the
 * stage's `iamSubmitters`).
 */
export async function callApi(
  target: Target,
  caller: CallerOptions,
  path: string,
  request: ApiRequest = {},
): Promise<Response> {
  const url = new URL(`${target.apiUrl}${path}`);
  const method = request.method ?? 'GET';
  const headers = { host: url.host, ...request.headers };
  const body = request.body;
  const token = bearerToken(target, caller);
  if (token !== undefined) {
    return fetch(url, { method, headers: { ...headers, authorization: `Bearer ${token}` }, body });
  }
  const signer = new SignatureV4({
    service: 'execute-api',
    region: target.region,
    credentials: target.sqs.config.credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign({
    method,
    headers,
    ...(body === undefined ? {} : { body }),
    protocol: url.protocol,
    hostname: url.hostname,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
  });
  return fetch(url, { method, headers: signed.headers, body });
}

/** `POST /v1/records` as a submitter (see callApi for how the call is authorized). */
export function postRecords(
  target: Target,
  body: string,
  caller: CallerOptions,
  headers: Record<string, string> = {},
): Promise<Response> {
  return callApi(target, caller, '/v1/records', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

function bearerToken(target: Target, caller: CallerOptions): string | undefined {
  const token = caller.token ?? process.env.HUB_TOKEN;
  if (token !== undefined || target.kind === 'aws') return token;
  const sample = target.tokens[caller.as ?? ''];
  if (sample !== undefined) return sample;
  throw new UsageError(`give --token, $HUB_TOKEN or --as one of: ${Object.keys(target.tokens).join(', ')}`);
}
