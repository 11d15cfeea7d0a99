import type { SQSClient } from '@aws-sdk/client-sqs';
import type { HubEndpoints } from './hub-state.ts';
import { takeAllMessages } from './queue-tools.ts';

// What `npm run demo` shares: calling the running hub, and printing records and results with personal data
// masked, as everywhere in the hub's output.

type Json = Record<string, unknown>;

/** One request to the running hub as a sample submitter (by its id in endpoints.json), JSON in and out. */
export async function call(
  endpoints: HubEndpoints,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${endpoints.apiUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${endpoints.tokens[token]}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

/** A result's flag as the demo prints it. */
export function flagText(flag: Json): string {
  if (flag.code === 'LATE_REPORT') return `LATE_REPORT (${flag.daysLate} days late)`;
  if (flag.code === 'ELIGIBLE_FROM') return `ELIGIBLE_FROM ${flag.eligibleFrom}`;
  return `${flag.code} ${JSON.stringify(flag.missing)}`;
}

/** One line per result of a submission: source id, status, version, errors, flags. */
export function printResults(results: readonly Json[]): void {
  for (const r of results)
    console.log(
      `  ${String(r.sourceId).padEnd(14)} ${r.status}${r.version ? ` v${r.version}` : ''}` +
        `${(r.errors as unknown[]).length ? ` ${JSON.stringify(r.errors)}` : ''}` +
        `${((r.flags as Json[] | undefined) ?? []).map((f) => ` ${flagText(f)}`).join('')}`,
    );
}

/**
 * Prints (and takes) what the derived services published since the last call: the local derived-events queue,
 * each event once (delivery is at least once: a consumer de-duplicates on detail-type and id).
 */
export async function printDerivedEvents(endpoints: HubEndpoints, sqs: SQSClient): Promise<void> {
  const seen = new Set<string>();
  for (const message of await takeAllMessages(sqs, endpoints.derivedEventsQueue ?? '')) {
    const event = JSON.parse(message.Body ?? '{}') as { 'detail-type': string; detail: Json };
    const { personKey, ...detail } = event.detail;
    const key = `${event['detail-type']} ${String(detail.id)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    console.log(
      `  → ${event['detail-type']} ${JSON.stringify({ personKey: `${String(personKey).slice(0, 12)}…`, ...detail })}`,
    );
  }
}
