import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteQueueCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localSqsClient } from '#local/emulators/clients.ts';
import { settleHub, takeAllMessages } from '#local/queue-tools.ts';
import { type HubProcess, startHubProcess } from '../helpers/hub-process.ts';
import { idNumberFor } from '../helpers/sample-people.ts';

const DEPARTMENTS = ['public-security', 'housing', 'hrss', 'education', 'health'] as const;
type Department = (typeof DEPARTMENTS)[number];

const TENANT_ID = idNumberFor('330106', '1990-03-07', 123); // 330106199003071236, DOMAIN.md's example
const SECOND_TENANT_ID = idNumberFor('320102', '1995-12-01', 244);
const LANDLORD_ID = idNumberFor('330106', '1968-04-15', 311);

let hub: HubProcess;
let sqs: SQSClient;

beforeAll(async () => {
  hub = await startHubProcess();
  sqs = localSqsClient(hub.endpoints.sqsEndpoint);
});

afterAll(async () => {
  sqs?.destroy();
  expect(await hub?.stop()).toBe(0);
});

interface RecordResultBody {
  status: string;
  version?: number;
  recordId: string;
  errors: Array<{ path: string; code: string }>;
}
interface ResponseBody {
  results: RecordResultBody[];
  summary: Record<string, number>;
  code?: string;
}

async function post(submitterId: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${hub.endpoints.apiUrl}/v1/records`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${hub.endpoints.tokens[submitterId]}`,
      'content-type': 'application/json',
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as ResponseBody,
  };
}

/** Everything each department received since the last call, once the hub has delivered all it stored. */
async function received(): Promise<Record<Department, Array<Record<string, unknown>>>> {
  await settleHub(hub.endpoints.apiUrl);
  const entries = await Promise.all(
    DEPARTMENTS.map(async (d) => {
      const messages = await takeAllMessages(sqs, hub.endpoints.queues[d] ?? '');
      return [d, messages.map((m: Message) => JSON.parse(m.Body ?? '{}'))] as const;
    }),
  );
  // An absent optional field reaches a department as null, never as "" (events/subscriptions.ts projectedRecord).
  for (const [department, messages] of entries) {
    for (const message of messages) expect(emptyStringPaths(message), department).toEqual([]);
  }
  return Object.fromEntries(entries) as Record<Department, Array<Record<string, unknown>>>;
}

/** The leaf paths of a message that hold "" (but `replay`, which is "" on every live delivery). */
function emptyStringPaths(message: unknown): string[] {
  return leafPaths(message).filter(
    (path) =>
      path !== 'replay' &&
      path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], message) === '',
  );
}

const typesOf = (messages: Array<Record<string, unknown>>) => messages.map((m) => m.type).sort();

/** Every leaf path of a message: what a department can see. */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

const ENVELOPE = [
  'id',
  'type',
  'schemaVersion',
  'replay',
  'kind',
  'change',
  'recordId',
  'version',
  'divisionCode',
  'occurredAt',
  'personKey',
];

const registrationOfTenant = {
  kind: 'residence-registration',
  sourceId: 'WF-REG-001',
  // Dirty, as a landlord's form sends it: Chinese labels, full-width digits, a date in Chinese, +86.
  data: {
    公民身份号码: TENANT_ID.replace('1236', '１２３６'),
    姓名: ' 张  伟 ',
    民族: '汉族',
    联系电话: '+86 138-0013-8000',
    居住地址: '浙江省杭州市西湖区文三路90号3-2-301',
    居住类型: '租赁房屋',
    居住事由: '务工',
    入住日期: '2024年3月1日',
  },
};

describe('the local hub end to end: HTTP in, department queues out', () => {
  it('routes a landlord batch to each department with exactly its projected fields', async () => {
    // Prepare
    const batch = {
      records: [
        {
          kind: 'rental-property',
          sourceId: 'WF-FLAT-1',
          data: {
            owner: { name: '王芳', idNumber: LANDLORD_ID, phone: '13912345678' },
            address: { divisionCode: '330106', detail: '文三路90号3-2-301' },
            areaSqm: 68.5,
            rooms: 2,
          },
        },
        {
          kind: 'tenancy',
          sourceId: 'WF-LEASE-1',
          data: {
            tenant: { idNumber: TENANT_ID, name: '张伟', phone: '13800138000' },
            landlord: { name: '王芳', idNumber: LANDLORD_ID },
            property: { divisionCode: '330106', detail: '文三路90号3幢2单元301室' },
            startsOn: '2024-03-01',
            endsOn: '2025-02-28',
            monthlyRentYuan: 3200,
          },
        },
        registrationOfTenant,
        {
          kind: 'residence-registration',
          sourceId: 'WF-REG-002',
          data: {
            person: { idNumber: SECOND_TENANT_ID, name: '阿依古丽•买买提', ethnicity: '维吾尔族' },
            address: { divisionCode: '330106', detail: '文三路90号3幢2单元302室' },
            residenceType: 'rented',
            movedInOn: '2024.3.15',
          },
        },
        {
          kind: 'residence-registration',
          sourceId: 'WF-REG-BAD',
          data: { person: { idNumber: '330106199003071235' } },
        },
      ],
    };

    // Act
    const response = await post('landlord-wang-fang', batch);
    const inbox = await received();

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.summary).toEqual({ accepted: 4, unchanged: 0, rejected: 1 });
    expect(response.body.results[4]?.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'data.person.idNumber', code: 'ID_NUMBER_CHECKSUM' }),
      ]),
    );
    expect(typesOf(inbox['public-security'])).toEqual([
      'RentalProperty.Created',
      'ResidenceRegistration.Created',
      'ResidenceRegistration.Created',
      'Tenancy.Created',
    ]);
    expect(typesOf(inbox.housing)).toEqual(['RentalProperty.Created', 'Tenancy.Created']);
    expect(typesOf(inbox.hrss)).toEqual(['ResidenceRegistration.Created', 'ResidenceRegistration.Created']);
    expect(typesOf(inbox.education)).toEqual([
      'ResidenceRegistration.Created',
      'ResidenceRegistration.Created',
    ]);
    expect(typesOf(inbox.health)).toEqual(['ResidenceRegistration.Created', 'ResidenceRegistration.Created']);

    const healthView = inbox.health.find(
      (m) => (m.record as { person: { name: string } }).person.name === '张 伟',
    );
    expect(leafPaths(healthView).sort()).toEqual(
      [
        ...ENVELOPE,
        'record.person.name',
        'record.person.gender',
        'record.person.birthDate',
        'record.person.phone',
        'record.address.divisionCode',
        'record.address.detail',
      ].sort(),
    );
    expect(healthView?.record).toEqual({
      person: { name: '张 伟', gender: 'male', birthDate: '1990-03-07', phone: '13800138000' },
      address: { divisionCode: '330106', detail: '文三路90号3幢2单元301室' },
    });
    expect(JSON.stringify(inbox.health)).not.toContain(TENANT_ID);

    const hrssView = inbox.hrss.find((m) => m.personKey === healthView?.personKey);
    expect(hrssView?.record).toEqual({
      address: { divisionCode: '330106' },
      movedInOn: '2024-03-01',
      movedOutOn: null,
    });

    const lease = inbox.housing.find((m) => m.type === 'Tenancy.Created');
    expect(lease?.record).toMatchObject({
      tenant: { idNumber: TENANT_ID, name: '张伟' },
      property: { divisionCode: '330106', detail: '文三路90号3幢2单元301室' },
      monthlyRentYuan: 3200,
    });
    expect(JSON.stringify(inbox.housing)).not.toMatch(/ethnicity|employer/);

    const police = inbox['public-security'].find(
      (m) => m.personKey === healthView?.personKey && m.kind === 'residence-registration',
    );
    expect(police?.record).toMatchObject({
      person: { idNumber: TENANT_ID, ethnicity: '01' },
      residenceType: 'rented',
    });
    expect(police?.submittedBy).toEqual({ role: 'landlord', submitterId: 'landlord-wang-fang' });
  });

  it('publishes nothing for an identical resubmission', async () => {
    const response = await post('landlord-wang-fang', { records: [registrationOfTenant] });
    const inbox = await received();

    expect(response.body.results[0]).toMatchObject({ status: 'unchanged', version: 1 });
    for (const department of DEPARTMENTS) expect(inbox[department]).toEqual([]);
  });

  it('publishes an update as version 2 to the departments that see residence registrations', async () => {
    const moved = {
      ...registrationOfTenant,
      data: { ...registrationOfTenant.data, 联系电话: '13800138001' },
    };

    const response = await post('landlord-wang-fang', { records: [moved] });
    const inbox = await received();

    expect(response.body.results[0]).toMatchObject({ status: 'accepted', version: 2 });
    for (const department of ['public-security', 'hrss', 'education', 'health'] as const) {
      expect(inbox[department].map((m) => [m.type, m.version])).toEqual([
        ['ResidenceRegistration.Updated', 2],
      ]);
    }
    expect(inbox.housing).toEqual([]);
    expect(inbox.health[0]?.record).toMatchObject({ person: { phone: '13800138001' } });
  });

  it('sends employment and insurance to human resources alone', async () => {
    const response = await post('employer-xihu-tech', {
      records: [
        {
          kind: 'employment',
          sourceId: 'HR-2024-17',
          data: {
            person: { idNumber: TENANT_ID, name: '张伟' },
            employer: {
              creditCode: '91330106MA2711111A',
              name: '杭州西湖科技有限公司',
              divisionCode: '330106',
            },
            contractType: 'fixed-term',
            startsOn: '2024-03-04',
          },
        },
        {
          kind: 'social-insurance',
          sourceId: 'SI-2024-17',
          data: {
            person: { idNumber: TENANT_ID, name: '张伟' },
            insuranceType: 'pension',
            divisionCode: '330106',
            employer: { creditCode: '91330106MA2711111A', name: '杭州西湖科技有限公司' },
            startedOn: '2024-04-01',
          },
        },
      ],
    });
    const inbox = await received();

    expect(response.body.summary).toEqual({ accepted: 2, unchanged: 0, rejected: 0 });
    expect(typesOf(inbox.hrss)).toEqual(['Employment.Created', 'SocialInsurance.Created']);
    for (const department of ['public-security', 'housing', 'education', 'health'] as const) {
      expect(inbox[department]).toEqual([]);
    }
  });

  it('delivers a departure and ends the registration it closes', async () => {
    const response = await post('landlord-wang-fang', {
      records: [
        {
          kind: 'residence-departure',
          sourceId: 'WF-OUT-001',
          data: {
            person: { idNumber: TENANT_ID, name: '张伟' },
            divisionCode: '330106',
            movedOutOn: '2024-09-30',
          },
        },
      ],
    });
    const inbox = await received();

    expect(response.body.results[0]).toMatchObject({ status: 'accepted', version: 1 });
    expect(typesOf(inbox['public-security'])).toEqual([
      'ResidenceDeparture.Created',
      'ResidenceRegistration.Ended',
    ]);
    expect(typesOf(inbox.health)).toEqual(['ResidenceDeparture.Created', 'ResidenceRegistration.Ended']);
    expect(typesOf(inbox.hrss)).toEqual(['ResidenceRegistration.Ended']);
    const ended = inbox.hrss[0];
    expect(ended).toMatchObject({ change: 'ended', version: 3, record: { movedOutOn: '2024-09-30' } });
  });

  it('answers bad requests with problem+json and a stable code', async () => {
    const noToken = await fetch(`${hub.endpoints.apiUrl}/v1/records`, { method: 'POST', body: '{}' });
    const malformed = await post('landlord-wang-fang', '{"records": [');
    const csv = await post('landlord-wang-fang', 'a,b', { 'content-type': 'text/csv' });

    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('content-type')).toBe('application/problem+json');
    expect(malformed).toMatchObject({
      status: 400,
      type: 'application/problem+json',
      body: { code: 'MALFORMED_JSON' },
    });
    expect(csv).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('keeps delivering to the others when a department queue is gone, and dead-letters its events', async () => {
    await sqs.send(new DeleteQueueCommand({ QueueUrl: hub.endpoints.queues.health }));

    const response = await post('landlord-wang-fang', {
      records: [
        {
          kind: 'residence-registration',
          sourceId: 'WF-REG-003',
          data: {
            person: { idNumber: idNumberFor('330106', '2001-06-01', 402), name: '刘洋' },
            address: { divisionCode: '330106', detail: '文三路90号3幢2单元303室' },
            residenceType: 'rented',
            movedInOn: '2024-05-01',
          },
        },
      ],
    });
    await settleHub(hub.endpoints.apiUrl);
    const police = await takeAllMessages(sqs, hub.endpoints.queues['public-security'] ?? '');
    const dead = await takeAllMessages(sqs, hub.endpoints.deadLetterQueues.health ?? '');

    expect(response.body.summary.accepted).toBe(1);
    expect(police.map((m) => JSON.parse(m.Body ?? '{}').type)).toEqual(['ResidenceRegistration.Created']);
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]?.Body ?? '{}')['detail-type']).toBe('ResidenceRegistration.Created');
    expect(dead[0]?.MessageAttributes?.ERROR_CODE?.StringValue).toBe('SQS_DELIVERY_FAILED');
  });
});

describe('the local hub keeps its data with --data-dir', () => {
  it('still knows a record after a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hub-data-'));
    const entry = {
      kind: 'residence-registration',
      sourceId: 'P-1',
      data: {
        person: { idNumber: idNumberFor('330106', '1999-09-09', 515), name: '陈静' },
        address: { divisionCode: '330106', detail: '文二路1号' },
        residenceType: 'owned',
        movedInOn: '2023-01-01',
      },
    };
    const submit = async (running: HubProcess) => {
      const response = await fetch(`${running.endpoints.apiUrl}/v1/records`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${running.endpoints.tokens['landlord-wang-fang']}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ records: [entry] }),
      });
      return ((await response.json()) as ResponseBody).results[0];
    };

    const first = await startHubProcess(['--data-dir', dataDir]);
    const before = await submit(first);
    expect(await first.stop()).toBe(0);
    const second = await startHubProcess(['--data-dir', dataDir]);
    const after = await submit(second);
    expect(await second.stop()).toBe(0);

    expect(before).toMatchObject({ status: 'accepted', version: 1 });
    expect(after).toMatchObject({ status: 'unchanged', version: 1, recordId: before?.recordId });
  });
});
