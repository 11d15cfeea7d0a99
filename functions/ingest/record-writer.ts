import { contentHash } from '#domain/canonical-json.ts';
import type { LateReportConfig } from '#domain/late-report.ts';
import type { ProvenanceEntry, SubmitterRef } from '#domain/permissions.ts';
import { overlay } from '#domain/record-diff.ts';
import { errorMessage } from '#schemas/errors.ts';
import { describeRecord, type FieldError, normaliseRecord, type RecordKind } from '#schemas/index.ts';
import type { RecordStatus } from '#schemas/submission.ts';
import { lateReportNoteOf } from '../adapters/late-report-counter.ts';
import { type RecordStore, VersionConflictError } from '../adapters/record-store.ts';
import {
  MAX_PROVENANCE_SUBMITTERS,
  personGsiPk,
  RECORD_SK,
  type RecordItem,
  recordPk,
} from '../adapters/store-items.ts';
import { retrying } from '../runtime/retry.ts';

/** A normalised report of one fact, with the identity it is stored under. */
export interface Candidate {
  sourceId?: string;
  kind: RecordKind;
  /** The canonical record; with `patch`, only the fields to change on the stored record. */
  record: Record<string, unknown>;
  recordId: string;
  personKey?: string;
  divisionCode: string;
  endedOn?: string;
  /** Apply only to an existing record, and only if the patched record is still valid. */
  patch?: boolean;
}

export interface WriteOutcome {
  status: Exclude<RecordStatus, 'rejected'> | 'conflict';
  /** The stored item after this write (or as read, when nothing was written). */
  stored: RecordItem | undefined;
  error?: FieldError;
  /** The report had been applied by an earlier run (see WriteOptions.reportedBefore). */
  applied?: true;
}

export interface WriteOptions {
  /** Reporting deadlines: a new version stating a fact late carries a `lateReport` note (late-reports.ts). */
  lateReport?: LateReportConfig;
  /**
   * For source ids that name one report each, in the order they are applied (an import's rows): whether the
   * report `sourceId` is the submitter's latest on the record (`latest`) or came before it. Such a report was
   * applied already, so a run that repeats it (an import resumed after a crash) writes nothing; its status is
   * then read from the store: `accepted` when the record's last change is that report, `unchanged` otherwise.
   */
  reportedBefore?: (sourceId: string, latest: string) => boolean;
}

/** Enough for a burst of concurrent reports of one fact; each retry re-reads and decides again. */
const WRITE_RETRY = { attempts: 10, baseDelayMs: 2, maxDelayMs: 100 } as const;

/**
 * Writes a report with a conditional put on the version read, re-reading and deciding again when another
 * writer got there first: no lost updates, and a report identical to the stored content writes nothing new.
 */
export async function writeReport(
  candidate: Candidate,
  stored: RecordItem | undefined,
  submitter: SubmitterRef,
  store: RecordStore,
  at: () => string,
  options: WriteOptions = {},
): Promise<WriteOutcome> {
  let current = stored;
  try {
    return await retrying(
      async (attemptNumber) => {
        if (attemptNumber > 1) current = await store.getRecord(candidate.recordId); // someone got there first
        if (current && appliedBefore(current, submitter, candidate.sourceId, options.reportedBefore)) {
          const last = current.lastChange;
          const ownChange =
            last.by.submitterId === submitter.submitterId && last.sourceId === candidate.sourceId;
          return { status: ownChange ? 'accepted' : 'unchanged', stored: current, applied: true };
        }
        const next = nextItem(candidate, current, submitter, at(), options);
        if (next === undefined || next === current) return { status: 'unchanged', stored: current };
        await store.putRecord(next, current?.version ?? 0);
        const sameVersion = current !== undefined && next.version === current.version;
        return { status: sameVersion ? 'unchanged' : 'accepted', stored: next };
      },
      (error) => error instanceof VersionConflictError,
      WRITE_RETRY,
    );
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
  }
  const error = { path: '', code: 'WRITE_CONFLICT', message: errorMessage('WRITE_CONFLICT') } as const;
  return { status: 'conflict', stored: current, error };
}

/**
 * The item to write for a report, or `current` itself when there is nothing to write. Identical content keeps
 * the version (only a new submitter is added to the provenance), so no event is published for it.
 */
function nextItem(
  candidate: Candidate,
  current: RecordItem | undefined,
  by: SubmitterRef,
  at: string,
  options: WriteOptions,
): RecordItem | undefined {
  if (candidate.patch && current === undefined) return current;
  const record = current === undefined ? candidate.record : mergeReport(candidate, current.record);
  if (record === undefined) return current;
  const hash = contentHash(record);
  const provenance = withReport(current?.provenance ?? [], by, candidate.sourceId, at);
  if (current !== undefined && hash === current.contentHash) {
    return provenance === current.provenance ? current : { ...current, provenance, updatedAt: at };
  }
  const facts = record === candidate.record ? candidate : factsOf(candidate.kind, record);
  const version = (current?.version ?? 0) + 1;
  // A departure's closing patch is not a report of its own: only the departure is judged.
  const late =
    options.lateReport === undefined || candidate.patch
      ? undefined
      : lateReportNoteOf(candidate.kind, record, current?.record, at, {
          version,
          submitterId: by.submitterId,
          config: options.lateReport,
        });
  const lateReport = late ?? current?.lateReport;
  return {
    pk: recordPk(candidate.recordId),
    sk: RECORD_SK,
    recordId: candidate.recordId,
    kind: candidate.kind,
    version,
    contentHash: hash,
    record,
    divisionCode: facts.divisionCode,
    ...(candidate.personKey === undefined
      ? {}
      : {
          personKey: candidate.personKey,
          gsi1pk: personGsiPk(candidate.personKey),
          gsi1sk: `${candidate.kind}#${candidate.recordId}`,
        }),
    ...(facts.endedOn === undefined ? {} : { endedOn: facts.endedOn }),
    provenance,
    lastChange: { by, ...(candidate.sourceId === undefined ? {} : { sourceId: candidate.sourceId }), at },
    createdAt: current?.createdAt ?? at,
    updatedAt: at,
    ...(lateReport === undefined ? {} : { lateReport }),
  };
}

/**
 * The report laid over the stored record, kept only if the result is still a valid record of its kind;
 * otherwise the report replaces the record (or, for a patch, nothing is written).
 */
function mergeReport(
  candidate: Candidate,
  stored: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const merged = normaliseRecord(candidate.kind, overlay(stored, candidate.record));
  if (merged.ok) return merged.record as Record<string, unknown>;
  return candidate.patch ? undefined : candidate.record;
}

function factsOf(
  kind: RecordKind,
  record: Record<string, unknown>,
): Pick<Candidate, 'divisionCode' | 'endedOn'> {
  const facts = describeRecord(kind, record as never);
  return {
    divisionCode: facts.divisionCode,
    ...(facts.endedOn === undefined ? {} : { endedOn: facts.endedOn }),
  };
}

/** Whether the report was applied to the record already (WriteOptions.reportedBefore). */
function appliedBefore(
  item: RecordItem,
  by: SubmitterRef,
  sourceId: string | undefined,
  reportedBefore: WriteOptions['reportedBefore'],
): boolean {
  if (reportedBefore === undefined || sourceId === undefined) return false;
  const latest = item.provenance.find((p) => p.submitterId === by.submitterId)?.lastSourceId;
  return latest !== undefined && reportedBefore(sourceId, latest);
}

/**
 * Provenance with this report added; the same array when nothing is new: the submitter is listed with this
 * source id as its latest (or sends none), or the list is full (MAX_PROVENANCE_SUBMITTERS).
 */
function withReport(
  provenance: ProvenanceEntry[],
  by: SubmitterRef,
  sourceId: string | undefined,
  at: string,
): ProvenanceEntry[] {
  const known = provenance.find((p) => p.submitterId === by.submitterId);
  if (!known) {
    if (provenance.length >= MAX_PROVENANCE_SUBMITTERS) return provenance;
    const sourceIds = sourceId === undefined ? {} : { firstSourceId: sourceId, lastSourceId: sourceId };
    const entry = { ...by, ...sourceIds, sourceIdCount: sourceId === undefined ? 0 : 1 };
    return [...provenance, { ...entry, firstReportedAt: at, lastReportedAt: at }];
  }
  if (sourceId === undefined || sourceId === known.lastSourceId) return provenance;
  const update = (p: ProvenanceEntry): ProvenanceEntry => ({
    ...p,
    firstSourceId: p.firstSourceId ?? sourceId,
    lastSourceId: sourceId,
    sourceIdCount: p.sourceIdCount + 1,
    lastReportedAt: at,
  });
  return provenance.map((p) => (p === known ? update(p) : p));
}
