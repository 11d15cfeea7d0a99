import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RecordFlag } from '#api/http-api.ts';
import { type LateReportConfig, lateReportFlag } from '#domain/late-report.ts';
import type { SubmitterRef } from '#domain/permissions.ts';
import type { CanonicalRecord, RecordKind } from '#schemas/index.ts';
import { queryAll } from './document-client.ts';
import type { LateReportNote, RecordItem } from './store-items.ts';

/*
 * Late-report flags at ingest (DOMAIN.md §2): a report that states a move-in, move-out, lease or job start or
 * end more than the kind's deadline after the fact is stored all the same, flagged on the record item
 * (`lateReport`), answered with a `LATE_REPORT` flag, and counted per submitter, all time and per day:
 *   counter item  pk SUBMITTER#<submitterId>    sk LATE#<kind>      n (ADD)
 *   day item      pk LATE-REPORTS#<China date>  sk <submitterId>    n, kind:<kind>… (ADD), role
 * The day items are the index of "who reports late": one Query per day lists that day's late submitters. Each
 * item is written by its own submitter's batches only (one write per batch with late reports), so none is hot.
 * The rule itself is domain/late-report.ts; this module only applies it to writes and keeps the counters.
 */

/** A late report's flag in a record's result (api/http-api.ts `recordFlag`). */
export type LateReportFlag = Extract<RecordFlag, { code: 'LATE_REPORT' }>;

export const lateCounterPk = (submitterId: string): string => `SUBMITTER#${submitterId}`;
export const lateCounterSk = (kind: string): string => `LATE#${kind}`;
const lateDayPk = (day: string): string => `LATE-REPORTS#${day}`;
const KIND_PREFIX = 'kind:';

/** A submitter's late reports over some days. */
export interface LateReporter {
  submitterId: string;
  role: string;
  lateReports: number;
  byKind: Record<string, number>;
}

/**
 * The note for a new version when it states a fact late; undefined when on time, when the kind has no
 * deadline, or when the report states no new fact (pass the stored record as `previous`).
 */
export function lateReportNoteOf(
  kind: RecordKind,
  record: Record<string, unknown>,
  previous: Record<string, unknown> | undefined,
  reportedAt: string,
  context: { version: number; submitterId: string; config: LateReportConfig },
): LateReportNote | undefined {
  const flag = lateReportFlag(
    kind,
    record as unknown as CanonicalRecord,
    reportedAt,
    context.config,
    previous as unknown as CanonicalRecord | undefined,
  );
  if (flag === undefined || !flag.late) return undefined;
  return {
    version: context.version,
    submitterId: context.submitterId,
    fact: flag.fact,
    factDate: flag.factDate,
    deadline: flag.deadline,
    reportedOn: flag.reportedOn,
    daysLate: flag.daysLate,
    deadlineDays: flag.deadlineDays,
  };
}

/** The result flags of a version just written: its own late note only, never an earlier version's. */
export function flagsOf(stored: RecordItem | undefined): LateReportFlag[] {
  const note = stored?.lateReport;
  if (note === undefined || note.version !== stored?.version) return [];
  return [{ code: 'LATE_REPORT', daysLate: note.daysLate, deadlineDays: note.deadlineDays }];
}

/** Per-submitter counters of late reports, by kind (atomic ADD; read back for reports and tests). */
export class LateReportCounter {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#doc = DynamoDBDocumentClient.from(client);
    this.#table = tableName;
  }

  /**
   * Adds each kind's count: one write per kind with a count above zero to the all-time counters, and one to the
   * submitter's item of `day` (the China date of the report).
   */
  async add(submitter: SubmitterRef, day: string, counts: ReadonlyMap<string, number>): Promise<void> {
    const { submitterId } = submitter;
    const kinds = [...counts].filter(([, n]) => n > 0);
    if (kinds.length === 0) return;
    const names: Record<string, string> = { '#n': 'n', '#role': 'role' };
    const values: Record<string, unknown> = {
      ':n': kinds.reduce((sum, [, n]) => sum + n, 0),
      ':role': submitter.role,
    };
    kinds.forEach(([kind, n], i) => {
      names[`#k${i}`] = `${KIND_PREFIX}${kind}`;
      values[`:k${i}`] = n;
    });
    const dayWrite = this.#doc.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { pk: lateDayPk(day), sk: submitterId },
        UpdateExpression: `SET #role = :role ADD #n :n, ${kinds.map((_, i) => `#k${i} :k${i}`).join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    await Promise.all([
      dayWrite,
      ...kinds.map(([kind, n]) =>
        this.#doc.send(
          new UpdateCommand({
            TableName: this.#table,
            Key: { pk: lateCounterPk(submitterId), sk: lateCounterSk(kind) },
            UpdateExpression: 'ADD #n :n',
            ExpressionAttributeNames: { '#n': 'n' },
            ExpressionAttributeValues: { ':n': n },
          }),
        ),
      ),
    ]);
  }

  /** A submitter's all-time counts by kind. */
  async read(submitterId: string): Promise<Map<string, number>> {
    const out = await this.#doc.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :late)',
        ExpressionAttributeValues: { ':pk': lateCounterPk(submitterId), ':late': 'LATE#' },
        ConsistentRead: true,
      }),
    );
    return new Map(
      (out.Items ?? []).map((item) => [String(item.sk).slice('LATE#'.length), Number(item.n ?? 0)]),
    );
  }

  /** The submitters with late reports on any of `days`, their counts summed (one Query per day). */
  async list(days: readonly string[]): Promise<LateReporter[]> {
    const perDay = await Promise.all(
      days.map((day) =>
        queryAll(this.#doc, {
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': lateDayPk(day) },
        }),
      ),
    );
    const bySubmitter = new Map<string, LateReporter>();
    for (const item of perDay.flat()) {
      const submitterId = String(item.sk);
      const sum = bySubmitter.get(submitterId) ?? {
        submitterId,
        role: String(item.role ?? ''),
        lateReports: 0,
        byKind: {},
      };
      sum.lateReports += Number(item.n ?? 0);
      for (const [name, value] of Object.entries(item)) {
        if (!name.startsWith(KIND_PREFIX)) continue;
        const kind = name.slice(KIND_PREFIX.length);
        sum.byKind[kind] = (sum.byKind[kind] ?? 0) + Number(value);
      }
      bySubmitter.set(submitterId, sum);
    }
    return [...bySubmitter.values()];
  }
}

/** What ingest needs for late reports: the deadlines, and where to count (omit to flag without counting). */
export interface LateReportDeps {
  config: LateReportConfig;
  counter?: LateReportCounter;
}
