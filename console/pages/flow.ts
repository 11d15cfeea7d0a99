import type { FlowResponse, ImportActivityResponse, LateReportsResponse } from '#api/operations-api.ts';
import { type Api, ApiError } from '../api.ts';
import { barChart } from '../charts.ts';
import { chartBox, el, figureCell, kpi, section, table } from '../dom.ts';
import { flat, IMPORT_STATUS_LABELS, LABELS, labelOf, ROLE_LABELS } from '../labels.ts';

const STATUSES = ['accepted', 'unchanged', 'rejected'] as const;

/** An answer that needs an audit right, or the refusal to show in its place. */
const audited = <T>(answer: Promise<T>): Promise<T | ApiError> =>
  answer.catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 403) return error;
    throw error;
  });

const needsAudit = (refusal: ApiError): HTMLElement =>
  el('p', { class: 'notice' }, `需要审计权限。 Needs an audit right (${refusal.message}).`);

/** Flow: records per minute by status, the top rejection codes, who reports late, the imports in progress. */
export async function renderFlow(main: HTMLElement, api: Api): Promise<void> {
  const [flow, late, imports] = await Promise.all([
    api<FlowResponse>('/v1/flow'),
    audited(api<LateReportsResponse>('/v1/late-reports')),
    audited(api<ImportActivityResponse>('/v1/import-activity')),
  ]);
  main.append(perMinute(flow), rejectionCodes(flow), lateReporters(late), importsInProgress(imports));
}

function perMinute(flow: FlowResponse): HTMLElement {
  const { box, canvas } = chartBox();
  const active = flow.minutes.filter((m) => m.accepted + m.unchanged + m.rejected > 0);
  barChart(
    canvas,
    flow.minutes.map((m) => m.minute.slice(11, 16)),
    STATUSES.map((status) => ({ label: flat(LABELS[status]), data: flow.minutes.map((m) => m[status]) })),
    { stacked: true },
  );
  const section_ = section(
    ['每分钟记录数', `records per minute, ${flow.from} – ${flow.to}`],
    el(
      'div',
      { class: 'kpis' },
      ...STATUSES.map((status) => kpi(LABELS[status], flow.totals[status], `totals.${status}`)),
    ),
    box,
    table(
      [{ label: LABELS.minute }, ...STATUSES.map((status) => ({ label: LABELS[status], numeric: true }))],
      active.map((m) => [
        m.minute,
        ...STATUSES.map((status) => figureCell(m[status], `minutes.${m.minute}.${status}`)),
      ]),
    ),
  );
  section_.classList.add('wide');
  return section_;
}

function rejectionCodes(flow: FlowResponse): HTMLElement {
  const top = flow.rejectionCodes.slice(0, 10);
  const { box, canvas } = chartBox();
  barChart(
    canvas,
    top.map((c) => c.code),
    [{ label: flat(LABELS.records), data: top.map((c) => c.records) }],
  );
  return section(
    ['拒收原因', 'top rejection codes'],
    ...(top.length === 0
      ? [el('p', { class: 'notice' }, '本时段无拒收。 No rejections in this window.')]
      : [
          box,
          table(
            [
              { label: LABELS.code },
              { label: LABELS.records, numeric: true },
              { label: LABELS.messageZh },
              { label: LABELS.messageEn },
            ],
            top.map((c) => [
              c.code,
              figureCell(c.records, `rejectionCodes.${c.code}`),
              c.message.zh,
              c.message.en,
            ]),
          ),
        ]),
  );
}

function lateReporters(late: LateReportsResponse | ApiError): HTMLElement {
  const title = ['迟报方 (谁出租谁负责)', 'who reports late'] as const;
  if (late instanceof ApiError) return section(title, needsAudit(late));
  return section(
    // "to", not a dash: the masking would read two dates joined by a dash as one 16-digit number.
    [title[0], `${title[1]}, ${late.from} to ${late.to}`],
    late.submitters.length === 0
      ? el('p', { class: 'notice' }, '本时段无迟报。 No late reports in this window.')
      : table(
          [
            { label: LABELS.submitter },
            { label: LABELS.role },
            { label: LABELS.lateReports, numeric: true },
            { label: LABELS.byKind },
          ],
          late.submitters.map((s) => [
            s.submitterId,
            flat(labelOf(ROLE_LABELS, s.role)),
            figureCell(s.lateReports, `lateReports.${s.submitterId}`),
            Object.entries(s.byKind)
              .map(([kind, n]) => `${kind} ${n}`)
              .join(', '),
          ]),
        ),
  );
}

/**
 * A UTC time to the second, or — when there is none. The `T` keeps the date and the time apart for the masking
 * (`shown`), which reads digits joined by spaces or dashes as one number.
 */
const utc = (at: string | null): string => (at === null ? '—' : `${at.slice(0, 19)}Z`);

/** Imports queued or running, and those finished in the last day: a progress bar each. */
function importsInProgress(activity: ImportActivityResponse | ApiError): HTMLElement {
  const title = ['导入进度', 'imports in progress'] as const;
  if (activity instanceof ApiError) return section(title, needsAudit(activity));
  const rows = activity.imports.map((i) => {
    const key = `imports.${i.importId}`;
    const bar = el('progress', { 'data-progress': i.importId });
    // Without a total (not counted yet) the bar stays indeterminate.
    if (i.total !== null) {
      bar.max = Math.max(i.total, 1);
      bar.value = i.total === 0 ? 1 : i.processed;
    }
    const row = el(
      'tr',
      { 'data-import': i.importId, 'data-status': i.status },
      el('td', { title: i.importId }, i.importId.slice(0, 8)),
      el('td', {}, i.kind),
      el('td', {}, i.submitterId),
      el('td', {}, el('span', { class: `state ${i.status}` }, flat(labelOf(IMPORT_STATUS_LABELS, i.status)))),
      el('td', {}, bar),
      figureCell(i.processed, `${key}.processed`),
      figureCell(i.total, `${key}.total`),
      figureCell(i.accepted, `${key}.accepted`),
      figureCell(i.unchanged, `${key}.unchanged`),
      figureCell(i.rejected, `${key}.rejected`),
      figureCell(i.rowsPerSecond, `${key}.rowsPerSecond`),
      figureCell(i.etaSeconds, `${key}.etaSeconds`),
      el('td', {}, utc(i.startedAt)),
      el('td', {}, i.failureCode === null ? utc(i.finishedAt) : `${utc(i.finishedAt)} ${i.failureCode}`),
    );
    if (i.status === 'failed') row.classList.add('trouble');
    return row;
  });
  const listing = table(
    [
      { label: LABELS.importId },
      { label: LABELS.kind },
      { label: LABELS.importer },
      { label: LABELS.state },
      { label: LABELS.progress },
      { label: LABELS.processed, numeric: true },
      { label: LABELS.total, numeric: true },
      { label: LABELS.accepted, numeric: true },
      { label: LABELS.unchanged, numeric: true },
      { label: LABELS.rejected, numeric: true },
      { label: LABELS.rowsPerSecond, numeric: true },
      { label: LABELS.eta, numeric: true },
      { label: LABELS.started },
      { label: LABELS.finished },
    ],
    [],
  );
  listing.tBodies[0]?.append(...rows);
  const wide = section(
    [title[0], `${title[1]}, and finished since ${utc(activity.finishedSince)}`],
    activity.imports.length === 0
      ? el(
          'p',
          { class: 'notice' },
          '无进行中或近24小时完成的导入。 No import in progress or finished in the last day.',
        )
      : listing,
  );
  wide.classList.add('wide');
  return wide;
}
