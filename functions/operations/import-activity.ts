import { FINISHED_IMPORTS_HOURS, type ImportActivityResponse } from '#api/operations-api.ts';
import { type ImportItem, type ImportStore, importStatusOf } from '../adapters/import-store.ts';
import { requireAuditRight } from '../http/department-caller.ts';
import type { Submitter } from '../http/submitter.ts';

const HOUR_MS = 3_600_000;
const FINISHED = 2;
/** Running first, then queued, then finished. */
const ORDER = { running: 0, queued: 1, done: FINISHED, failed: FINISHED } as const;

/**
 * Rows per second from the start to the end (or to `now`) and the seconds left at that rate: from the counts
 * alone, so it is right after a resume and the same on every reader.
 */
export function importPace(
  item: Pick<ImportItem, 'status' | 'total' | 'processed' | 'startedAt' | 'finishedAt'>,
  now: Date,
): { rowsPerSecond: number | null; etaSeconds: number | null } {
  if (item.startedAt === undefined) return { rowsPerSecond: null, etaSeconds: null };
  const end = item.finishedAt === undefined ? now.getTime() : Date.parse(item.finishedAt);
  const seconds = Math.max(end - Date.parse(item.startedAt), 0) / 1000;
  const rowsPerSecond = seconds === 0 ? null : Math.round((item.processed / seconds) * 10) / 10;
  const left = (item.total ?? 0) - item.processed;
  const etaSeconds =
    item.status !== 'running' || item.total === undefined || !rowsPerSecond
      ? null
      : Math.ceil(left / (item.processed / seconds));
  return { rowsPerSecond, etaSeconds };
}

/**
 * `GET /v1/import-activity`: the imports queued or running and those finished in the last day, with their
 * progress, read from the imports table's activity index (no scan). It names importers and covers every
 * importer's work, so it takes a supervising caller (an audit right), as reading another's import does.
 */
export async function importActivity(
  caller: Submitter,
  deps: { imports: Pick<ImportStore, 'activeOrFinishedSince'>; now: () => Date },
): Promise<ImportActivityResponse> {
  requireAuditRight(caller, 'Listing the imports');
  const now = deps.now();
  const since = new Date(now.getTime() - FINISHED_IMPORTS_HOURS * HOUR_MS);
  const items = await deps.imports.activeOrFinishedSince(since, now);
  items.sort(
    (a, b) =>
      ORDER[a.status] - ORDER[b.status] ||
      (ORDER[a.status] < FINISHED
        ? a.createdAt.localeCompare(b.createdAt)
        : (b.finishedAt ?? '').localeCompare(a.finishedAt ?? '')),
  );
  return {
    at: now.toISOString(),
    finishedSince: since.toISOString(),
    imports: items.map((item) => {
      const { failure: _failure, ...status } = importStatusOf(item);
      return {
        ...status,
        submitterId: item.submitterId,
        role: item.role,
        createdAt: item.createdAt,
        failureCode: item.failure?.code ?? null,
        ...importPace(item, now),
      };
    }),
  };
}
