import type { Server } from 'node:http';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { personKeyOf } from '#domain/person-key.ts';
import { AuditStore } from '#functions/adapters/audit-store.ts';
import { DeliveryLog } from '#functions/adapters/delivery-log.ts';
import { PermitNumberIndex } from '#functions/adapters/permit-number-index.ts';
import { PROFILE_SK, ProfileStore } from '#functions/adapters/profile-store.ts';
import { RecordStore } from '#functions/adapters/record-store.ts';
import { StatsStore } from '#functions/adapters/stats-store.ts';
import { createDeriveHandler, type DeriveHandler } from '#functions/derive/handler.ts';
import type { SubmitterContext } from '#functions/http/submitter-context.ts';
import { createIngestHandler } from '#functions/ingest/handler.ts';
import { createPublishHandler } from '#functions/publish/handler.ts';
import { createQueryHandler } from '#functions/query/handler.ts';
import { DEFAULT_DERIVED_CONFIG } from '#functions/runtime/derived-config.ts';
import { subscribeStatistics } from '#local/derived-services.ts';
import { type ChangeFeed, toStreamEvent } from '#local/emulators/change-feed.ts';
import { ensureTable, LOCAL_CREDENTIALS } from '#local/emulators/clients.ts';
import { RECORDS_TABLE } from '#local/emulators/table-definition.ts';
import { startEventBridgeEndpoint } from '#local/eventbridge-endpoint.ts';
import { lambdaContext } from '#local/lambda-context.ts';
import { jsonPost } from './api-event.ts';

export const SECRET = 'derived-test-secret';
/** Public security may submit every kind but card links (hrss), so one caller builds any person's records. */
export const REPORTER = { sub: 'dept-records-office', role: 'department', department: 'public-security' };
/** The issuer of citizen and social security cards: the card links. */
export const CARD_ISSUER = { sub: 'dept-citizen-card-centre', role: 'department', department: 'hrss' };
export const EMPLOYER = {
  creditCode: '91330106MA2711111A',
  name: '杭州西湖科技有限公司',
  divisionCode: '330106',
};

/** What the fake bus received, and how many of the next entries it refuses (to prove redelivery). */
export interface FakeBus {
  entries: PutEventsRequestEntry[];
  refuseNext: number;
  client: EventBridgeClient;
  server: Server;
}

export async function startFakeBus(): Promise<FakeBus> {
  const bus = { entries: [] as PutEventsRequestEntry[], refuseNext: 0 } as FakeBus;
  const endpoint = await startEventBridgeEndpoint({
    async putEvents(entries) {
      const results = entries.map((entry) => {
        if (bus.refuseNext > 0) {
          bus.refuseNext -= 1;
          return { ErrorCode: 'InternalFailure', ErrorMessage: 'refused by the test' };
        }
        bus.entries.push(entry);
        return { EventId: `e-${bus.entries.length}` };
      });
      return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
    },
  });
  bus.server = endpoint.server;
  bus.client = new EventBridgeClient({
    endpoint: endpoint.endpoint,
    region: 'cn-north-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  return bus;
}

let tables = 0;

/**
 * A fresh table (its own evaluation mark and counters) with ingest, stores and a derive handler on it, and on
 * its change feed, as on AWS, the statistics consumer and the publisher of the profiles' derived events (to
 * the fake bus; record events are left out). `settle` waits until both have handled every change. `client`
 * must write through the stream tap whose feed `changes` is.
 */
export async function derivedWorld(
  client: DynamoDBClient,
  changes: ChangeFeed,
  bus: FakeBus,
  clock: { now: Date },
) {
  const tableName = `derived-${process.pid}-${++tables}`;
  await ensureTable(client, { ...RECORDS_TABLE, tableName });
  const records = new RecordStore(client, tableName);
  const profiles = new ProfileStore(client, tableName);
  const permitNumbers = new PermitNumberIndex(client, tableName);
  const stats = new StatsStore(client, tableName);
  subscribeStatistics({ changes, tableName, stats });
  const publish = createPublishHandler({ store: records, eventBridge: bus.client, eventBusName: 'test-bus' });
  changes.subscribe(
    async (stream) => {
      const profileChanges = stream.filter((record) => record.dynamodb?.Keys?.sk?.S === PROFILE_SK);
      if (profileChanges.length > 0) return publish(toStreamEvent(profileChanges), lambdaContext('publish'));
    },
    { tableNames: [tableName], retryBaseDelayMs: 10 },
  );
  const derive: DeriveHandler = createDeriveHandler({
    records,
    profiles,
    eventBusName: 'test-bus',
    config: DEFAULT_DERIVED_CONFIG,
    now: () => clock.now,
    firstRunLookbackDays: 30,
  });
  const ingest = createIngestHandler({
    store: records,
    personKeySecret: SECRET,
    applications: { profiles, config: DEFAULT_DERIVED_CONFIG.eligibility },
    permitNumbers,
  });
  /** The results of a submission by `caller` (the reporter by default). */
  const post = async (entries: unknown[], caller: Record<string, unknown> = REPORTER) => {
    const response = await ingest(
      jsonPost({ records: entries }, caller),
      lambdaContext('ingest') as SubmitterContext,
    );
    return JSON.parse(response.body ?? '{}') as {
      results: Array<{
        status: string;
        recordId: string;
        version: number;
        errors: unknown[];
        flags?: Array<Record<string, unknown>>;
      }>;
    };
  };
  /** Stores records (as the reporter by default); returns each record's change event as the derive rule passes it. */
  const submit = async (entries: unknown[], caller?: Record<string, unknown>) => {
    const body = await post(entries, caller);
    const items = await records.getRecords(body.results.map((r) => r.recordId));
    return body.results.map((result) => {
      if (result.status === 'rejected') throw new Error(`rejected: ${JSON.stringify(result.errors)}`);
      const item = items.get(result.recordId);
      return {
        source: 'residence-data-hub',
        'detail-type': 'Record.Changed',
        time: '2025-01-01T00:00:00Z',
        detail: { personKey: item?.personKey, recordId: result.recordId, version: item?.version },
      };
    });
  };
  /** The department read API on the same table, its clock the world's. */
  const query = () =>
    createQueryHandler({
      profiles,
      permitNumbers,
      audit: new AuditStore(client, tableName),
      stats,
      deliveries: new DeliveryLog(client, tableName),
      personKeySecret: SECRET,
      config: DEFAULT_DERIVED_CONFIG,
      now: () => clock.now,
    });
  return {
    tableName,
    records,
    profiles,
    permitNumbers,
    stats,
    derive,
    submit,
    post,
    query,
    settle: () => changes.drain(),
  };
}

export const personKey = (idNumber: string): string => personKeyOf(idNumber, SECRET);

export function registration(idNumber: string, movedInOn: string, extra: Record<string, unknown> = {}) {
  return {
    kind: 'residence-registration',
    data: {
      person: { idNumber, name: '张伟', hukouDivisionCode: '341222', educationLevel: 'bachelor' },
      address: { divisionCode: '330106', detail: '文三路90号3幢2单元301室' },
      residenceType: 'rented',
      reason: 'work',
      movedInOn,
      ...extra,
    },
  };
}

export function employment(idNumber: string, startsOn: string, extra: Record<string, unknown> = {}) {
  return {
    kind: 'employment',
    data: {
      person: { idNumber, name: '张伟' },
      employer: EMPLOYER,
      contractType: 'open-ended',
      startsOn,
      ...extra,
    },
  };
}

export function pension(idNumber: string, startedOn: string) {
  return {
    kind: 'social-insurance',
    data: { person: { idNumber, name: '张伟' }, insuranceType: 'pension', divisionCode: '330106', startedOn },
  };
}

/** Details of the derived events the bus received, by type. */
export const derivedEvents = (bus: FakeBus, type: string) =>
  bus.entries.filter((e) => e.DetailType === type).map((e) => JSON.parse(e.Detail ?? '{}'));

const HOLDER = (idNumber: string) => ({ idNumber, name: '张伟' });

export function permitApplication(
  idNumber: string,
  submittedOn: string,
  extra: Record<string, unknown> = {},
) {
  return {
    kind: 'permit-application',
    data: {
      applicant: HOLDER(idNumber),
      cityDivisionCode: '330100',
      address: { divisionCode: '330106', detail: '文三路90号3幢2单元301室' },
      claims: ['employment', 'housing'],
      channel: 'counter',
      submittedOn,
      ...extra,
    },
  };
}

export function residencePermit(
  idNumber: string,
  permitNumber: string,
  issuedOn: string,
  endorsedUntil: string,
  extra: Record<string, unknown> = {},
) {
  return {
    kind: 'residence-permit',
    data: {
      permitNumber,
      holder: HOLDER(idNumber),
      issuingDivisionCode: '330106',
      issuedOn,
      endorsedUntil,
      status: 'valid',
      ...extra,
    },
  };
}
