import { type Message, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, chinaDateOf } from '#domain/dates.ts';
import { LOCAL_CREDENTIALS } from '#local/emulators/clients.ts';
import { settleHub, takeAllMessages } from '#local/queue-tools.ts';
import {
  DEMO_NEWCOMER_ID_NUMBER,
  DEMO_PERMIT_NUMBER,
  demoApplication,
  demoCardLink,
  demoNewcomerSubmission,
  demoPermit,
} from '#local/sample-data.ts';
import { type HubProcess, startHubProcess } from '../helpers/hub-process.ts';
import { csvFile } from '../helpers/import-files.ts';
import { idNumberFor } from '../helpers/sample-people.ts';

// The permit through `npm start`'s hub over real HTTP, as the demo tells it: the newcomer applies through
// self-service, public security issues, the citizen card is linked; each department's queue receives its
// projection of it, legal aid verifies it, and the daily evaluation notices the endorsement on its days.

const LEGAL_AID = 'dept-legal-aid-xihu';
const POLICE = 'dept-public-security-xihu';
const today = chinaDateOf(new Date().toISOString());
const endorsedUntil = addDays(addMonths(today, 12), -1);

let hub: HubProcess;
let sqs: SQSClient;

beforeAll(async () => {
  hub = await startHubProcess();
  sqs = new SQSClient({
    endpoint: hub.endpoints.sqsEndpoint,
    region: hub.endpoints.region,
    credentials: LOCAL_CREDENTIALS,
  });
});

afterAll(async () => {
  sqs?.destroy();
  expect(await hub?.stop()).toBe(0);
});

// biome-ignore lint/suspicious/noExplicitAny: JSON answers of several shapes, checked by the assertions.
type Json = any;

async function post(path: string, submitterId: string | undefined, body: unknown) {
  const response = await fetch(`${hub.endpoints.apiUrl}${path}`, {
    method: 'POST',
    headers: {
      ...(submitterId ? { authorization: `Bearer ${hub.endpoints.tokens[submitterId]}` } : {}),
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

const submit = async (submission: { submitterId: string; records: unknown[] }) =>
  (await post('/v1/records', submission.submitterId, { records: submission.records })).body.results[0];

/** What a department's queue holds now, as `{ type, record }` of the permit's kinds. */
const PERMIT_KINDS = ['permit-application', 'residence-permit', 'card-link'];

/**
 * A department's messages of the permit's kinds, in the story's order (application, permit, card link): delivery
 * across records is unordered, as on AWS (the publisher runs 4 batches of the stream at once).
 */
async function permitMessages(department: string): Promise<Array<{ type: string; record: Json }>> {
  const messages = await takeAllMessages(sqs, hub.endpoints.queues[department] ?? '');
  return messages
    .map((m: Message) => JSON.parse(m.Body ?? '{}'))
    .filter((m: Json) => PERMIT_KINDS.includes(m.kind))
    .sort((a: Json, b: Json) => PERMIT_KINDS.indexOf(a.kind) - PERMIT_KINDS.indexOf(b.kind))
    .map((m: Json) => ({ type: m.type, record: m.record }));
}

describe('the permit on the local hub', () => {
  it('takes the self-service application, the permit and the card link, each from its own submitter', async () => {
    // Prepare: the newcomer's six months are complete today
    await submit(demoNewcomerSubmission(addMonths(today, -6)));
    await settleHub(hub.endpoints.apiUrl);
    for (const queueUrl of Object.values(hub.endpoints.queues)) await takeAllMessages(sqs, queueUrl);

    // Act
    const application = await submit(demoApplication(today));
    const permit = await submit(demoPermit(today, endorsedUntil, application.recordId));
    const link = await submit(demoCardLink(today));
    const forged = await submit({
      ...demoPermit(today, endorsedUntil, application.recordId),
      submitterId: LEGAL_AID,
    });
    await settleHub(hub.endpoints.apiUrl);

    // Assess
    expect(application).toMatchObject({ status: 'accepted', errors: [] });
    expect(application).not.toHaveProperty('flags');
    expect(permit).toMatchObject({ status: 'accepted' });
    expect(link).toMatchObject({ status: 'accepted' });
    expect(forged).toMatchObject({ status: 'rejected', errors: [{ code: 'FORBIDDEN_DEPARTMENT' }] });
  });

  it("gives each department's queue its projection of the permit, and nothing of it to the others", async () => {
    const queues: Record<string, Json> = Object.fromEntries(
      await Promise.all(
        Object.keys(hub.endpoints.queues).map(async (d) => [d, await permitMessages(d)] as const),
      ),
    );

    const validity = { issuingDivisionCode: '330106', issuedOn: today, endorsedUntil, status: 'valid' };
    for (const department of ['justice', 'culture-sports', 'health']) {
      expect(queues[department]).toEqual([{ type: 'ResidencePermit.Created', record: validity }]);
    }
    expect(queues.hrss.map((m: Json) => m.type)).toEqual(['ResidencePermit.Created', 'CardLink.Created']);
    expect(queues.hrss[0].record).toEqual({
      ...validity,
      holder: { idNumber: DEMO_NEWCOMER_ID_NUMBER, name: '刘洋' },
    });
    expect(queues.hrss[1].record).not.toHaveProperty('permitNumber');
    expect(queues['public-security'].map((m: Json) => m.type)).toEqual([
      'PermitApplication.Created',
      'ResidencePermit.Created',
      'CardLink.Created',
    ]);
    expect(queues['public-security'][1].record).toMatchObject({
      permitNumber: DEMO_PERMIT_NUMBER,
      holder: { idNumber: DEMO_NEWCOMER_ID_NUMBER },
    });
    expect(queues.housing).toEqual([]);
    expect(queues.education).toEqual([]);
  });

  it('lets legal aid verify the permit by its number, four fields at most, then suspends it the day after it lapses', async () => {
    const asOf = (day?: string) =>
      post('/v1/permits/verify', LEGAL_AID, {
        permitNumber: DEMO_PERMIT_NUMBER,
        ...(day ? { asOf: day } : {}),
      });

    const now = await asOf();
    const due = await post('/_local/evaluate', undefined, { asOf: addDays(endorsedUntil, -30) });
    const lapsed = await post('/_local/evaluate', undefined, { asOf: addDays(endorsedUntil, 1) });
    await settleHub(hub.endpoints.apiUrl);
    const events = (await takeAllMessages(sqs, hub.endpoints.derivedEventsQueue ?? ''))
      .map((m) => JSON.parse(m.Body ?? '{}'))
      .filter((e: Json) => e['detail-type'].startsWith('ResidencePermit.'));
    const after = await asOf(addDays(endorsedUntil, 1));

    expect(now).toEqual({ status: 200, body: { valid: true, endorsedUntil, city: '330100' } });
    expect(due.body.changed).toBeGreaterThanOrEqual(1);
    expect(lapsed.body.changed).toBeGreaterThanOrEqual(1);
    expect(events.map((e: Json) => [e['detail-type'], e.detail.asOf])).toEqual(
      expect.arrayContaining([
        ['ResidencePermit.EndorsementDue', addDays(endorsedUntil, -30)],
        ['ResidencePermit.Suspended', addDays(endorsedUntil, 1)],
      ]),
    );
    expect(after.body).toEqual({ valid: false, endorsedUntil, city: '330100', reason: 'suspended' });
  });

  it("imports public security's permit register as its department, binding each row's number", async () => {
    // Prepare: public security's register of permits issued before the hub, one row naming the demo's number
    const holder = idNumberFor('341222', '1991-05-06', 135);
    const registerNumber = 'ZJ3301062025000777';
    const headers = ['permitNumber', 'holder.idNumber', 'holder.name', 'issuingDivisionCode', 'issuedOn'];
    const file = csvFile(
      [
        [...headers, 'endorsedUntil', 'status'],
        [registerNumber, holder, '王芳', '330106', addDays(today, -30), endorsedUntil, 'valid'],
        [DEMO_PERMIT_NUMBER, holder, '王芳', '330106', addDays(today, -30), endorsedUntil, 'valid'],
      ],
      'utf-8',
    );

    // Act
    const started = await fetch(`${hub.endpoints.apiUrl}/v1/imports?kind=residence-permit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hub.endpoints.tokens[POLICE]}`, 'content-type': 'text/csv' },
      body: file,
    });
    const { statusUrl } = (await started.json()) as { statusUrl: string };
    let status: Json = {};
    for (let poll = 0; poll < 600 && !['done', 'failed'].includes(status.status); poll += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const response = await fetch(`${hub.endpoints.apiUrl}${statusUrl}`, {
        headers: { authorization: `Bearer ${hub.endpoints.tokens[POLICE]}` },
      });
      status = await response.json();
    }
    const errors = await fetch(`${hub.endpoints.apiUrl}${statusUrl}/errors`, {
      headers: { authorization: `Bearer ${hub.endpoints.tokens[POLICE]}` },
    });
    await settleHub(hub.endpoints.apiUrl);
    const verified = await post('/v1/permits/verify', LEGAL_AID, { permitNumber: registerNumber });

    // Assess
    const report = await errors.text();
    expect(status).toMatchObject({ status: 'done', accepted: 1, rejected: 1 });
    // Row 3 (the header is row 1): the demo's number, held by the newcomer.
    expect(report.split('\n')[1]).toMatch(/^3,permitNumber,permitNumber,PERMIT_NUMBER_TAKEN,/);
    expect(verified.body).toEqual({ valid: true, endorsedUntil, city: '330100' });
  });
});
