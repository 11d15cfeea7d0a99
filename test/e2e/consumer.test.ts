import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Message, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemDetails, submissionResult } from '#api/http-api.ts';
import {
  createQueueConsumer,
  type MessageOutcome,
  type QueueConsumer,
} from '../../examples/consumer/consumer.ts';
import {
  createMessageParser,
  type DepartmentMessage,
  messageSchemasOf,
  type ParsedMessage,
} from '../../examples/consumer/messages.ts';
import { localSqsClient } from '../../local/emulators/clients.ts';
import { settleHub, takeAllMessages } from '../../local/queue-tools.ts';
import { type HubProcess, startHubProcess } from '../helpers/hub-process.ts';
import { idNumberFor } from '../helpers/sample-people.ts';

// The consumer example (examples/consumer) against a running local hub: what a health department runs.

const SUBMITTER = 'property-manager-lvcheng';
const HEALTH_VIEW = [
  'person.name',
  'person.gender',
  'person.birthDate',
  'person.phone',
  'address.divisionCode',
  'address.detail',
];

let hub: HubProcess;
let sqs: SQSClient;
let parse: (body: string) => ParsedMessage;
let queueUrl: string;

beforeAll(async () => {
  hub = await startHubProcess();
  sqs = localSqsClient(hub.endpoints.sqsEndpoint);
  const contract: unknown = JSON.parse(await readFile('docs/asyncapi/health.json', 'utf8'));
  parse = createMessageParser(messageSchemasOf(contract));
  queueUrl = hub.endpoints.queues.health ?? '';
});

afterAll(async () => {
  sqs?.destroy();
  expect(await hub?.stop()).toBe(0);
});

function registration(sequence: number, phone = '13800138000') {
  return {
    kind: 'residence-registration',
    sourceId: `PM-${sequence}`,
    data: {
      person: { idNumber: idNumberFor('330106', '1991-05-17', sequence), name: '赵敏', phone },
      address: { divisionCode: '330106', detail: `文三路90号3幢2单元${300 + sequence}室` },
      residenceType: 'rented',
      movedInOn: '2024-03-01',
    },
  };
}

/** Submits records, checks the answer against the documented response schema, and waits for delivery. */
async function submit(...records: unknown[]): Promise<string[]> {
  const response = await fetch(`${hub.endpoints.apiUrl}/v1/records`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${hub.endpoints.tokens[SUBMITTER]}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ records }),
  });
  expect(response.status).toBe(200);
  const body = submissionResult.parse(await response.json());
  expect(body.summary.accepted).toBe(records.length);
  await settleHub(hub.endpoints.apiUrl);
  return body.results.map((r) => r.recordId ?? '');
}

function consumer(
  process: (message: DepartmentMessage) => Promise<void>,
  visibilityTimeoutSeconds?: number,
): QueueConsumer {
  return createQueueConsumer({
    sqs,
    queueUrl,
    parse,
    process,
    waitTimeSeconds: 1,
    ...(visibilityTimeoutSeconds === undefined ? {} : { visibilityTimeoutSeconds }),
  });
}

/** Polls until `done` holds for the outcomes so far (or the poll budget is spent). */
async function pollUntil(
  target: QueueConsumer,
  done: (outcomes: MessageOutcome[]) => boolean,
  maxPolls = 20,
): Promise<MessageOutcome[]> {
  const outcomes: MessageOutcome[] = [];
  for (let poll = 0; poll < maxPolls && !done(outcomes); poll += 1) {
    outcomes.push(...(await target.pollOnce()).outcomes);
  }
  return outcomes;
}

const resend = (body: unknown) =>
  sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(body) }));

const statuses = (outcomes: MessageOutcome[]) => outcomes.map((o) => o.status);

function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

describe('the consumer example against the local hub', () => {
  it('receives the projected message, validated, and deletes it; a redelivery is skipped as a duplicate', async () => {
    // Prepare
    const [recordId] = await submit(registration(1));
    const received: DepartmentMessage[] = [];
    const health = consumer(async (message) => {
      received.push(message);
    });

    // Act
    const first = await pollUntil(health, (o) => o.length >= 1);
    await resend(received[0]);
    const again = await pollUntil(health, (o) => o.length >= 1);

    // Assess
    expect(statuses(first)).toEqual(['processed']);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ type: 'ResidenceRegistration.Created', recordId, version: 1 });
    expect(leafPaths(received[0]?.record).sort()).toEqual(HEALTH_VIEW.sort());
    expect(statuses(again)).toEqual(['duplicate']);
    expect(received).toHaveLength(1);
    expect(await takeAllMessages(sqs, queueUrl)).toEqual([]);
  });

  it('skips a version older than one it processed (delivery order is not guaranteed)', async () => {
    // Prepare: two versions of a record, then delivered newest first.
    await submit(registration(2));
    await submit(registration(2, '13900139000'));
    const [v1, v2] = (await takeAllMessages(sqs, queueUrl))
      .map((m) => JSON.parse(m.Body ?? '{}') as DepartmentMessage)
      .sort((a, b) => a.version - b.version);
    const processed: number[] = [];
    const health = consumer(async (message) => {
      processed.push(message.version);
    });

    // Act
    await resend(v2);
    const newer = await pollUntil(health, (o) => o.length >= 1);
    await resend(v1);
    const older = await pollUntil(health, (o) => o.length >= 1);

    // Assess
    expect(v2?.change).toBe('updated');
    expect(statuses(newer)).toEqual(['processed']);
    expect(older).toEqual([expect.objectContaining({ status: 'stale', version: 1, latestVersion: 2 })]);
    expect(processed).toEqual([2]);
    expect(await takeAllMessages(sqs, queueUrl)).toEqual([]);
  });

  it('leaves a failed message on the queue: it comes back, and after maxReceiveCount it is in the DLQ', async () => {
    // Prepare: one record whose processing fails once, one that always fails, one message off contract.
    const [flaky, broken] = await submit(registration(3), registration(4));
    await resend({ id: 'x:1', type: 'ResidenceRegistration.Created', recordId: 'x', version: 1, record: {} });
    const attempts = new Map<string, number>();
    const health = consumer(async (message) => {
      const attempt = (attempts.get(message.recordId) ?? 0) + 1;
      attempts.set(message.recordId, attempt);
      if (message.recordId === broken || attempt === 1) throw new Error('department system unavailable');
    }, 1);

    // Act: poll until both the always failing and the invalid message are in the dead-letter queue.
    const outcomes: MessageOutcome[] = [];
    const deadLetters: Message[] = [];
    for (let poll = 0; poll < 40 && deadLetters.length < 2; poll += 1) {
      outcomes.push(...(await health.pollOnce()).outcomes);
      deadLetters.push(...(await takeAllMessages(sqs, hub.endpoints.deadLetterQueues.health ?? '')));
    }

    // Assess
    const ofFlaky = outcomes.filter((o) => 'recordId' in o && o.recordId === flaky);
    expect(statuses(ofFlaky)).toEqual(['failed', 'processed']);
    expect(attempts.get(broken ?? '')).toBe(5);
    expect(statuses(outcomes).filter((status) => status === 'invalid')).toHaveLength(5);
    const dead = deadLetters.map((m) => JSON.parse(m.Body ?? '{}') as { recordId: string });
    expect(dead.map((m) => m.recordId).sort()).toEqual([broken, 'x'].sort());
    expect(await takeAllMessages(sqs, queueUrl)).toEqual([]);
  });

  it('runs as the README says: npm run consumer -- --department health', async () => {
    // Prepare
    const [recordId] = await submit(registration(5));
    const dir = await mkdtemp(join(tmpdir(), 'consumer-'));
    const endpointsFile = join(dir, 'endpoints.json');
    await writeFile(endpointsFile, JSON.stringify(hub.endpoints));

    // Act
    const output = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          'examples/consumer/main.ts',
          '--department',
          'health',
          '--endpoints',
          endpointsFile,
          '--wait-seconds',
          '1',
          '--max-polls',
          '1',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let text = '';
      child.stdout.on('data', (chunk) => {
        text += chunk;
      });
      child.stderr.on('data', (chunk) => {
        text += chunk;
      });
      child.on('exit', (code) => resolve({ code, text }));
    });

    // Assess
    expect(output.code, output.text).toBe(0);
    expect(output.text).toContain(`processed ResidenceRegistration.Created ${recordId} v1`);
    expect(output.text).not.toContain('赵敏');
  });

  it('answers a request without a token with the documented problem body', async () => {
    const response = await fetch(`${hub.endpoints.apiUrl}/v1/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ records: [registration(6)] }),
    });
    expect(response.status).toBe(401);
    expect(problemDetails.parse(await response.json())).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('serves the OpenAPI document unauthenticated at GET /v1/openapi.json, as committed in docs/', async () => {
    const response = await fetch(`${hub.endpoints.apiUrl}/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual(JSON.parse(await readFile('docs/openapi.json', 'utf8')));
  });

  it('serves the documents rendered to HTML at /docs, unauthenticated', async () => {
    // Act
    const redirect = await fetch(`${hub.endpoints.apiUrl}/docs`, { redirect: 'manual' });
    const index = await fetch(`${hub.endpoints.apiUrl}/docs/`);
    const indexPage = await index.text();
    const health = await fetch(new URL('asyncapi/health.html', `${hub.endpoints.apiUrl}/docs/`));

    // Assess
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/docs/');
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(indexPage).toContain('href="openapi.html"');
    expect(indexPage).toContain('href="asyncapi/health.html"');
    expect(health.status).toBe(200);
    expect(await health.text()).toContain('residence-data-hub: the health queue');
  });
});
