import pLimit, { type LimitFunction } from 'p-limit';
import type { RecordFlag } from '#api/http-api.ts';
import { chinaDateOf } from '#domain/dates.ts';
import type { SubmitterRef } from '#domain/permissions.ts';
import {
  kindPermissionError,
  type PropertyRef,
  propertyOwnershipError,
  propertyToCheck,
  recordPermissionError,
} from '#domain/permissions.ts';
import { personKeyOf } from '#domain/person-key.ts';
import { recordIdOf } from '#domain/record-id.ts';
import { errorMessage, toFieldErrors } from '#schemas/errors.ts';
import { describeRecord, type FieldError, normaliseRecord } from '#schemas/index.ts';
import { MAX_SOURCE_ID_LENGTH, type RecordStatus, recordEntry } from '#schemas/submission.ts';
import { identifierProblem } from '#schemas/values/identifier.ts';
import { flagsOf, type LateReportDeps } from '../adapters/late-report-counter.ts';
import type { PermitNumberIndex } from '../adapters/permit-number-index.ts';
import type { RecordStore } from '../adapters/record-store.ts';
import type { RecordItem } from '../adapters/store-items.ts';
import type { Submitter } from '../http/submitter.ts';
import { logger } from '../runtime/logger.ts';
import { type ApplicationFlagDeps, flagApplications } from './application-flags.ts';
import { type FlowRecorder, recordFlow } from './flow.ts';
import { type PermitNumberRef, permitNumberError, permitNumberRefOf } from './permit-numbers.ts';
import { type Candidate, type WriteOptions, type WriteOutcome, writeReport } from './record-writer.ts';

export interface RecordResult {
  index: number;
  sourceId?: string;
  status: RecordStatus;
  recordId?: string;
  version?: number;
  errors: FieldError[];
  /**
   * Accepted but worth a look: `LATE_REPORT` when the report came after its deadline (late-report-counter.ts),
   * `ELIGIBLE_FROM` / `ELIGIBILITY_NOT_MET` on an application the rules do not (yet) support.
   */
  flags?: RecordFlag[];
}

export interface SubmissionResult {
  results: RecordResult[];
  summary: Record<RecordStatus, number>;
}

export interface SubmitDeps {
  store: RecordStore;
  personKeySecret: string;
  now?: () => Date;
  /** How many facts are written at once. */
  concurrency?: number;
  /** Reporting deadlines and the per-submitter counter; without it nothing is flagged. */
  lateReports?: LateReportDeps;
  /** Where each batch's answer is counted (per-minute counters, metrics); without it nothing is. */
  flow?: readonly FlowRecorder[];
  /** For source ids applied in order: which reports a record has seen already (record-writer.ts). */
  reportedBefore?: WriteOptions['reportedBefore'];
  /** The profiles and eligibility rules behind an application's flags; without them none is flagged. */
  applications?: ApplicationFlagDeps;
  /** Who holds each permit number; without it permit numbers are not checked (tests of other kinds). */
  permitNumbers?: PermitNumberIndex;
}

interface IndexedCandidate extends Candidate {
  index: number;
  /** The rental property whose landlord alone may report this record (see permissions.ts). */
  property?: PropertyRef;
  /** The permit number it issues or names, which must be its person's (permit-numbers.ts). */
  permitNumber?: PermitNumberRef;
}

/**
 * Normalises and stores every record of a submission; each record gets its own result and the batch is never
 * all-or-nothing. Records about the same fact in one batch are applied in order. A record outside the
 * submitter's rights is rejected on its own, like an invalid one (permissions.ts).
 */
export async function submitRecords(
  entries: readonly unknown[],
  submitter: Submitter,
  deps: SubmitDeps,
): Promise<SubmissionResult> {
  const results: RecordResult[] = new Array(entries.length);
  const prepared: IndexedCandidate[] = [];
  entries.forEach((entry, index) => {
    const outcome = prepare(entry, index, submitter, deps.personKeySecret);
    if ('status' in outcome) results[index] = outcome;
    else prepared.push(outcome);
  });

  // The properties to check ownership of are read in the same round trip as the records themselves.
  const properties = prepared.flatMap((c) => (c.property ? [c.property.recordId] : []));
  const current = await deps.store.getRecords([...prepared.map((c) => c.recordId), ...properties]);
  const owned = prepared.filter((c) => {
    const error =
      c.property &&
      propertyOwnershipError(submitter.submitterId, c.property, current.get(c.property.recordId));
    if (error) results[c.index] = rejected(c.index, c.sourceId, [error]);
    return !error;
  });
  // Only the id and role are kept with the record: never a resident's ID number from the token.
  const by: SubmitterRef = { submitterId: submitter.submitterId, role: submitter.role };
  const limit = pLimit(deps.concurrency ?? 16);
  const now = deps.now ?? (() => new Date());
  const at = () => now().toISOString();
  const candidates = await withOwnPermitNumbers(owned, results, deps.permitNumbers, limit, at);
  const write = (candidate: Candidate, stored: RecordItem | undefined) =>
    writeReport(candidate, stored, by, deps.store, at, {
      lateReport: deps.lateReports?.config,
      reportedBefore: deps.reportedBefore,
    });
  const departures: IndexedCandidate[] = [];
  await Promise.all(
    [...Map.groupBy(candidates, (c) => c.recordId).values()].map((group) =>
      limit(async () => {
        let stored = current.get(group[0]?.recordId ?? '');
        let known = true;
        for (const candidate of group) {
          try {
            // After a failed write the stored record is not known: read it again.
            const outcome = await write(
              candidate,
              known ? stored : await deps.store.getRecord(candidate.recordId),
            );
            results[candidate.index] = resultOf(candidate, outcome);
            // An unchanged departure closes too, so repeating one whose closing failed completes it.
            if (outcome.status !== 'conflict' && candidate.kind === 'residence-departure')
              departures.push(candidate);
            stored = outcome.stored;
            known = true;
          } catch (error) {
            results[candidate.index] = writeFailed(candidate, error);
            known = false;
          }
        }
      }),
    ),
  );
  // After every fact of the batch is in, so a registration reported in the same batch is closed too.
  const close = async (departure: IndexedCandidate) => {
    const closing = closingOf(departure);
    try {
      await write(closing, await deps.store.getRecord(closing.recordId));
    } catch (error) {
      results[departure.index] = writeFailed(departure, error);
    }
  };
  await Promise.all(departures.map((departure) => limit(() => close(departure))));

  const answeredAt = now();
  await countLateReports(
    results,
    candidates,
    by,
    chinaDateOf(answeredAt.toISOString()),
    deps.lateReports,
  ).catch((error) =>
    // The flags are in the answer and on the records; only the per-submitter statistic misses them.
    logger.error('late reports not counted', { error: error as Error }),
  );
  if (deps.applications)
    await addApplicationFlags(results, candidates, deps.applications).catch((error) =>
      // The applications are stored; only their advice is missing (the flags are not a decision).
      logger.error('applications not flagged', { error: error as Error }),
    );
  await recordFlow(deps.flow ?? [], answeredAt, results);
  const summary = { accepted: 0, unchanged: 0, rejected: 0 };
  for (const result of results) summary[result.status] += 1;
  return { results, summary };
}

function prepare(
  entry: unknown,
  index: number,
  submitter: Submitter,
  secret: string,
): IndexedCandidate | RecordResult {
  const shape = recordEntry.safeParse(entry);
  if (!shape.success) return rejected(index, sourceIdOf(entry), toFieldErrors(shape.error, { input: entry }));
  const { kind, sourceId, data } = shape.data;
  const notAllowed = kindPermissionError(submitter, kind);
  if (notAllowed) return rejected(index, sourceId, [notAllowed]);
  const normalised = normaliseRecord(kind, data);
  if (!normalised.ok) {
    const errors = normalised.errors.map((e) => ({
      ...e,
      path: e.path === 'kind' ? 'kind' : prefixed('data', e.path),
    }));
    return rejected(index, sourceId, errors);
  }
  const facts = describeRecord(normalised.kind, normalised.record);
  const outsideGrant = recordPermissionError(submitter, normalised.kind, normalised.record, facts);
  if (outsideGrant) return rejected(index, sourceId, [outsideGrant]);
  const property = propertyToCheck(submitter, normalised.kind, normalised.record);
  const personKey =
    facts.personIdNumber === undefined ? undefined : personKeyOf(facts.personIdNumber, secret);
  const record = normalised.record as Record<string, unknown>;
  const permitNumber = permitNumberRefOf(normalised.kind, record, secret);
  return {
    index,
    ...(sourceId === undefined ? {} : { sourceId }),
    kind: normalised.kind,
    record,
    recordId: recordIdOf(
      normalised.kind,
      personKey === undefined ? facts.naturalKey : [personKey, ...facts.naturalKey],
    ),
    ...(personKey === undefined ? {} : { personKey }),
    divisionCode: facts.divisionCode,
    ...(facts.endedOn === undefined ? {} : { endedOn: facts.endedOn }),
    ...(property === undefined ? {} : { property }),
    ...(permitNumber === undefined ? {} : { permitNumber }),
  };
}

/**
 * A departure closes the person's residence registration in that county: the registration's natural key is
 * the person and the county, so its id follows from the departure alone. It is patched only if it exists and
 * the move-out date keeps it valid (a departure dated before the move-in stands on its own).
 */
function closingOf(departure: Candidate): Candidate {
  const kind = 'residence-registration';
  return {
    ...(departure.sourceId === undefined ? {} : { sourceId: departure.sourceId }),
    kind,
    record: { movedOutOn: departure.record.movedOutOn },
    recordId: recordIdOf(kind, [departure.personKey ?? '', departure.divisionCode]),
    ...(departure.personKey === undefined ? {} : { personKey: departure.personKey }),
    divisionCode: departure.divisionCode,
    patch: true,
  };
}

function resultOf(candidate: IndexedCandidate, outcome: WriteOutcome): RecordResult {
  if (outcome.status === 'conflict')
    return rejected(candidate.index, candidate.sourceId, outcome.error ? [outcome.error] : []);
  return {
    index: candidate.index,
    ...(candidate.sourceId === undefined ? {} : { sourceId: candidate.sourceId }),
    status: outcome.status,
    recordId: candidate.recordId,
    ...(outcome.stored === undefined ? {} : { version: outcome.stored.version }),
    errors: [],
    ...lateFlags(outcome),
  };
}

/** Flags of a new version; a report applied by an earlier run was flagged (and counted) by that run. */
function lateFlags(outcome: WriteOutcome): Pick<RecordResult, 'flags'> {
  const flags = outcome.status === 'accepted' && !outcome.applied ? flagsOf(outcome.stored) : [];
  return flags.length === 0 ? {} : { flags };
}

/** The candidates whose permit number is their person's; the others get their result (permit-numbers.ts). */
async function withOwnPermitNumbers(
  candidates: IndexedCandidate[],
  results: RecordResult[],
  index: PermitNumberIndex | undefined,
  limit: LimitFunction,
  at: () => string,
): Promise<IndexedCandidate[]> {
  if (index === undefined) return candidates;
  const kept = await Promise.all(
    candidates.map((c) =>
      limit(async () => {
        if (c.permitNumber === undefined || c.personKey === undefined) return true;
        try {
          const error = await permitNumberError(c.permitNumber, c.personKey, index, at());
          if (error) results[c.index] = rejected(c.index, c.sourceId, [error]);
          return error === undefined;
        } catch (error) {
          results[c.index] = writeFailed(c, error);
          return false;
        }
      }),
    ),
  );
  return candidates.filter((_, i) => kept[i]);
}

/** The eligibility flags of the accepted applications, added to their results (application-flags.ts). */
async function addApplicationFlags(
  results: RecordResult[],
  candidates: readonly IndexedCandidate[],
  deps: ApplicationFlagDeps,
): Promise<void> {
  const accepted = candidates.filter(
    (c) => c.kind === 'permit-application' && results[c.index]?.status === 'accepted' && c.personKey,
  );
  const flags = await flagApplications(
    accepted.map((c) => ({ personKey: c.personKey ?? '', submittedOn: String(c.record.submittedOn) })),
    deps,
  );
  accepted.forEach((c, i) => {
    const result = results[c.index];
    const added = flags[i] ?? [];
    if (result !== undefined && added.length > 0) result.flags = [...(result.flags ?? []), ...added];
  });
}

/** The late reports of this submission, counted by kind on the day they were reported. */
async function countLateReports(
  results: readonly RecordResult[],
  candidates: readonly IndexedCandidate[],
  submitter: SubmitterRef,
  day: string,
  lateReports: LateReportDeps | undefined,
): Promise<void> {
  if (!lateReports?.counter) return;
  const counts = new Map<string, number>();
  for (const c of candidates) {
    if (results[c.index]?.flags?.length) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
  }
  if (counts.size > 0) await lateReports.counter.add(submitter, day, counts);
}

/**
 * The result of a record whose write met a store error (not a version conflict): rejected with WRITE_FAILED,
 * while the other records of the batch keep theirs. Logged with the record id, never its content.
 */
function writeFailed(candidate: IndexedCandidate, error: unknown): RecordResult {
  logger.error('record write failed', {
    recordId: candidate.recordId,
    kind: candidate.kind,
    error: error as Error,
  });
  const failure = { path: '', code: 'WRITE_FAILED', message: errorMessage('WRITE_FAILED') } as const;
  return rejected(candidate.index, candidate.sourceId, [failure]);
}

function rejected(index: number, sourceId: string | undefined, errors: FieldError[]): RecordResult {
  return { index, ...(sourceId === undefined ? {} : { sourceId }), status: 'rejected', errors };
}

/** The sourceId of an entry that failed its shape, echoed only when it is a valid one (bounded, visible). */
function sourceIdOf(entry: unknown): string | undefined {
  const sourceId = (entry as { sourceId?: unknown } | null)?.sourceId;
  return typeof sourceId === 'string' && identifierProblem(sourceId, MAX_SOURCE_ID_LENGTH) === undefined
    ? sourceId
    : undefined;
}

function prefixed(prefix: string, path: string): string {
  return path === '' ? prefix : `${prefix}.${path}`;
}
