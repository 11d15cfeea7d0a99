import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LateReportCounter } from '#functions/adapters/late-report-counter.ts';
import { RecordStore } from '#functions/adapters/record-store.ts';
import type { Submitter } from '#functions/http/submitter.ts';
import { type SubmitDeps, submitRecords } from '#functions/ingest/submit.ts';
import { derivedConfig } from '#functions/runtime/derived-config.ts';
import { ensureTable, localDynamoDbClient } from '#local/emulators/clients.ts';
import { type DynamoDbEmulator, startDynamoDb } from '#local/emulators/dynamodb.ts';
import { RECORDS_TABLE } from '#local/emulators/table-definition.ts';
import { employment, registration } from '../../helpers/derived-world.ts';
import { idNumberFor } from '../../helpers/sample-people.ts';

// 2025-09-10 10:00 in China: a move-in on 2025-09-07 is on time (3 days), on 2025-09-06 one day late.
const NOW = new Date('2025-09-10T02:00:00Z');
const LANDLORD: Submitter = { submitterId: 'landlord-late', role: 'landlord' };
const EMPLOYER: Submitter = { submitterId: 'employer-late', role: 'employer' };
const MANAGER: Submitter = { submitterId: 'property-manager-late', role: 'property-manager' };

let emulator: DynamoDbEmulator;
let client: DynamoDBClient;
let store: RecordStore;
let counter: LateReportCounter;
let deps: SubmitDeps;

beforeAll(async () => {
  emulator = await startDynamoDb();
  client = localDynamoDbClient(emulator.endpoint);
  await ensureTable(client, RECORDS_TABLE);
  store = new RecordStore(client, RECORDS_TABLE.tableName);
  counter = new LateReportCounter(client, RECORDS_TABLE.tableName);
  deps = {
    store,
    personKeySecret: 'late-secret',
    now: () => NOW,
    // Employment gets a longer deadline than the default, as a deployment may configure.
    lateReports: {
      config: derivedConfig({ lateReportDeadlineDays: { employment: 30 } }).lateReport,
      counter,
    },
  };
});

afterAll(async () => {
  await emulator?.close();
});

describe('late-report flags at ingest', () => {
  it('accepts a late move-in, flags it in the result and on the item, and counts it for the submitter', async () => {
    // Prepare
    const id = idNumberFor('341222', '1990-01-01', 11);

    // Act
    const { results } = await submitRecords([registration(id, '2025-09-01')], LANDLORD, deps);

    // Assess
    expect(results[0]).toMatchObject({
      status: 'accepted',
      errors: [],
      flags: [{ code: 'LATE_REPORT', daysLate: 6, deadlineDays: 3 }],
    });
    expect((await store.getRecord(results[0]?.recordId ?? ''))?.lateReport).toMatchObject({
      version: 1,
      submitterId: LANDLORD.submitterId,
      fact: 'movedInOn',
      factDate: '2025-09-01',
      deadline: '2025-09-04',
      reportedOn: '2025-09-10',
      daysLate: 6,
    });
    expect(await counter.read(LANDLORD.submitterId)).toEqual(new Map([['residence-registration', 1]]));
  });

  it('does not flag a report on the deadline day itself', async () => {
    const id = idNumberFor('341222', '1990-01-02', 13);

    const { results } = await submitRecords([registration(id, '2025-09-07')], LANDLORD, deps);

    expect(results[0]).toMatchObject({ status: 'accepted', errors: [] });
    expect(results[0]).not.toHaveProperty('flags');
  });

  it('does not flag again an update that states no new fact, nor an identical resubmission', async () => {
    const id = idNumberFor('341222', '1990-01-03', 15);
    const late = registration(id, '2025-08-01');
    await submitRecords([late], MANAGER, deps);
    const before = await counter.read(MANAGER.submitterId);

    const { results } = await submitRecords(
      [late, registration(id, '2025-08-01', { residenceType: 'rented', reason: 'family' })],
      MANAGER,
      deps,
    );

    expect(results.map((r) => r.status)).toEqual(['unchanged', 'accepted']);
    expect(results.every((r) => r.flags === undefined)).toBe(true);
    expect(await counter.read(MANAGER.submitterId)).toEqual(before);
  });

  it('judges each kind by its own configured deadline', async () => {
    const id = idNumberFor('341222', '1990-01-04', 17);

    const { results } = await submitRecords(
      [employment(id, '2025-08-20'), employment(id, '2025-07-01')],
      EMPLOYER,
      deps,
    );

    expect(results[0]).not.toHaveProperty('flags');
    expect(results[1]?.flags).toEqual([{ code: 'LATE_REPORT', daysLate: 41, deadlineDays: 30 }]);
    expect(await counter.read(EMPLOYER.submitterId)).toEqual(new Map([['employment', 1]]));
  });
});
