import type { FlowResponse, LateReportsResponse } from '#api/operations-api.ts';
import { type Api, ApiError } from '../api.ts';
import { barChart } from '../charts.ts';
import { chartBox, el, figureCell, kpi, section, table } from '../dom.ts';
import { flat, LABELS, labelOf, ROLE_LABELS } from '../labels.ts';

const STATUSES = ['accepted', 'unchanged', 'rejected'] as const;

/** Flow: records per minute by status, the top rejection codes, who reports late. */
export async function renderFlow(main: HTMLElement, api: Api): Promise<void> {
  const [flow, late] = await Promise.all([
    api<FlowResponse>('/v1/flow'),
    api<LateReportsResponse>('/v1/late-reports').catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 403) return error;
      throw error;
    }),
  ]);
  main.append(perMinute(flow), rejectionCodes(flow), lateReporters(late));
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
  if (late instanceof ApiError)
    return section(
      title,
      el('p', { class: 'notice' }, `需要审计权限。 Needs an audit right (${late.message}).`),
    );
  return section(
    [title[0], `${title[1]}, ${late.from} – ${late.to}`],
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
