/**
 * Item shapes of the shared single-table store (README "The shared store" documents them).
 * - record item   pk REC#<recordId>  sk RECORD          the current version of one record
 * - history item  pk REC#<recordId>  sk VER#<000000001> one per version: who, when, what changed
 * Person look-ups use GSI gsi1: gsi1pk PERSON#<personKey>, gsi1sk <kind>#<recordId>. The index holds keys only
 * (infra/constructs/record-table.ts): a look-up gives record ids, which are then read from the table.
 */

import type { ProvenanceEntry, SubmitterRef } from '#domain/permissions.ts';

export const RECORD_SK = 'RECORD';

/**
 * The most submitters a record's provenance lists, the earliest first; a later one still changes the record
 * (`lastChange` names it) but is not added. Keeps every item far below DynamoDB's 400 KB.
 */
export const MAX_PROVENANCE_SUBMITTERS = 50;

/** The table's TTL attribute (epoch seconds): items that only serve for a while, such as the flow counters. */
export const TTL_ATTRIBUTE = 'expiresAt';

export interface RecordItem {
  pk: string;
  sk: typeof RECORD_SK;
  recordId: string;
  kind: string;
  version: number;
  contentHash: string;
  record: Record<string, unknown>;
  divisionCode: string;
  personKey?: string;
  endedOn?: string;
  /** Who reported the record, at most MAX_PROVENANCE_SUBMITTERS entries. */
  provenance: ProvenanceEntry[];
  /** The report that produced this version. */
  lastChange: { by: SubmitterRef; sourceId?: string; at: string };
  createdAt: string;
  updatedAt: string;
  gsi1pk?: string;
  gsi1sk?: string;
  /** Set when a version stated a fact after its reporting deadline (functions/adapters/late-report-counter.ts). */
  lateReport?: LateReportNote;
}

/** A late report: the version that stated the fact late, who reported it, and by how much it was late. */
export interface LateReportNote {
  version: number;
  submitterId: string;
  fact: string;
  factDate: string;
  deadline: string;
  reportedOn: string;
  daysLate: number;
  deadlineDays: number;
}

export interface HistoryItem {
  pk: string;
  sk: string;
  recordId: string;
  version: number;
  at: string;
  by: SubmitterRef;
  sourceId?: string;
  changedPaths: string[];
  record: Record<string, unknown>;
}

const RECORD_PK_PREFIX = 'REC#';
export const recordPk = (recordId: string): string => `${RECORD_PK_PREFIX}${recordId}`;
/** The record id in a record item's pk; undefined for any other item's. */
export const recordIdOfPk = (pk: string): string | undefined =>
  pk.startsWith(RECORD_PK_PREFIX) ? pk.slice(RECORD_PK_PREFIX.length) : undefined;
export const historySk = (version: number): string => `VER#${String(version).padStart(9, '0')}`;
export const personGsiPk = (personKey: string): string => `PERSON#${personKey}`;
