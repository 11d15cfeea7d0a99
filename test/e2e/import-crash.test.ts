import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, localSqsClient } from '#local/emulators/clients.ts';
import { settleHub, takeAllMessages } from '#local/queue-tools.ts';
import { type HubProcess, startHubProcess } from '../helpers/hub-process.ts';
import { csvFile, REGISTRATION_HEADERS, registrationRow } from '../helpers/import-files.ts';

// `kill -9` of `npm start -- --data-dir DIR` in the middle of an import, and a restart on the same DIR: the
// import goes on where its last counted chunk ended, and ends with every row stored once and counted once.

const IMPORTER = 'property-manager-lvcheng';
const ROWS = 1_000; // two chunks of 500: killed between them
/** Every 100th row has a mistyped ID number. */
const isBad = (n: number) => n % 100 === 0;

const dirs: string[] = [];
const hubs: HubProcess[] = [];

afterAll(async () => {
  for (const hub of hubs) await hub.kill();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function row(n: number): string[] {
  const cells = registrationRow(n);
  if (isBad(n)) cells[0] = `${cells[0]?.slice(0, 17)}${cells[0]?.endsWith('1') ? '2' : '1'}`;
  return cells;
}

async function status(hub: HubProcess, statusUrl: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${hub.endpoints.apiUrl}${statusUrl}`, {
    headers: { authorization: `Bearer ${hub.endpoints.tokens[IMPORTER]}` },
  });
  return (await response.json()) as Record<string, unknown>;
}

/** Polls (at most 1,200 times, 100 ms apart) until `until` holds for the import's status. */
async function waitFor(hub: HubProcess, statusUrl: string, until: (s: Record<string, unknown>) => boolean) {
  for (let poll = 0; poll < 1_200; poll += 1) {
    const current = await status(hub, statusUrl);
    if (until(current)) return current;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`import ${statusUrl} never reached the awaited state`);
}

describe('an import when the hub is killed and started again', () => {
  it('resumes without storing a row twice or skipping one', { timeout: 300_000 }, async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'hub-import-crash-'));
    dirs.push(dataDir);
    const first = await startHubProcess(['--data-dir', dataDir]);
    hubs.push(first);
    const rows = Array.from({ length: ROWS }, (_, i) => row(i + 1));

    // Act: killed once the first chunk is counted, before the import is done
    const started = await fetch(`${first.endpoints.apiUrl}/v1/imports?kind=residence-registration`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.endpoints.tokens[IMPORTER]}`, 'content-type': 'text/csv' },
      body: csvFile([REGISTRATION_HEADERS, ...rows], 'utf-8-bom'),
    });
    const { statusUrl } = (await started.json()) as { statusUrl: string };
    const atKill = await waitFor(first, statusUrl, (s) => Number(s.processed) >= 500);
    await first.kill();
    const second = await startHubProcess(['--data-dir', dataDir]);
    hubs.push(second);
    const done = await waitFor(second, statusUrl, (s) => s.status === 'done' || s.status === 'failed');

    // Assess
    expect(atKill).toMatchObject({ status: 'running', total: ROWS });
    expect(Number(atKill.processed)).toBeLessThan(ROWS);
    const bad = rows.filter((_, i) => isBad(i + 1)).length;
    expect(done).toMatchObject({
      status: 'done',
      processed: ROWS,
      accepted: ROWS - bad,
      unchanged: 0,
      rejected: bad,
    });

    // Every good row is one record at version 1, made by that row alone.
    const dynamoDb = new DynamoDBClient({
      endpoint: second.endpoints.dynamodbEndpoint,
      region: second.endpoints.region,
      credentials: LOCAL_CREDENTIALS,
    });
    const records: { version: number; sources: string[] }[] = [];
    for await (const page of paginateScan({ client: dynamoDb }, { TableName: second.endpoints.tableName })) {
      for (const raw of page.Items ?? []) {
        const item = unmarshall(raw);
        if (item.sk !== 'RECORD') continue;
        const sources = (item.provenance as { firstSourceId: string; lastSourceId: string }[]).flatMap(
          (p) => [...new Set([p.firstSourceId, p.lastSourceId])],
        );
        records.push({ version: item.version as number, sources });
      }
    }
    dynamoDb.destroy();
    const importId = statusUrl.split('/').at(-1);
    const goodRows = rows.flatMap((_, i) => (isBad(i + 1) ? [] : [`${importId}:${i + 2}`]));
    expect(records.every((r) => r.version === 1)).toBe(true);
    expect(records.flatMap((r) => r.sources).sort()).toStrictEqual(goodRows.sort());

    // One event per stored row reached the department, none missing. Delivery is at least once (the restarted
    // hub's change feed delivers again from its checkpoint), so a consumer de-duplicates on the event id.
    await settleHub(second.endpoints.apiUrl);
    const sqs = localSqsClient(second.endpoints.sqsEndpoint);
    const ids = (await takeAllMessages(sqs, second.endpoints.queues['public-security'] ?? '')).map(
      (m) => JSON.parse(m.Body ?? '{}').id as string,
    );
    // Where a missing event would have gone: the department's dead-letter queue (a delivery given up), the
    // publisher's failure queue (a stream batch given up), or a change the stream tap could not capture.
    const givenUp = {
      deadLettered: (await takeAllMessages(sqs, second.endpoints.deadLetterQueues['public-security'] ?? ''))
        .length,
      publisherFailures: (
        await takeAllMessages(sqs, second.endpoints.deadLetterQueues['publisher-failures'] ?? '')
      ).length,
      hubErrors: [first, second].flatMap((hub) =>
        hub
          .output()
          .split('\n')
          .filter((line) => /\[(stream-tap|change-feed)\]/.test(line)),
      ),
    };
    sqs.destroy();
    expect(givenUp).toStrictEqual({ deadLettered: 0, publisherFailures: 0, hubErrors: [] });
    expect(new Set(ids).size).toBe(ROWS - bad);
  });
});
