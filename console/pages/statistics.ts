import type { DivisionsResponse } from '#api/operations-api.ts';
import type { DivisionStatsResponse } from '#api/query-api.ts';
import type { Api } from '../api.ts';
import { barChart, doughnutChart } from '../charts.ts';
import { bilingual, chartBox, el, figureCell, kpi, type Label, section, table } from '../dom.ts';
import { EMPLOYMENT_LABELS, flat, INSURANCE_LABELS, LABELS, LENGTH_LABELS, labelOf } from '../labels.ts';

type Division = DivisionsResponse['children'][number];

/** The residence types' Chinese labels, as the schemas name them (served by the hub with the console). */
let residenceTypeLabels: Promise<Record<string, string>> | undefined;
const residenceTypeLabel = async (type: string): Promise<Label> => {
  residenceTypeLabels ??= fetch('/console/labels.json').then(
    async (r) => ((await r.json()) as { residenceType: Record<string, string> }).residenceType,
  );
  return [(await residenceTypeLabels)[type] ?? type, type.replaceAll('-', ' ')];
};

/** The levels above and including a division: 330106 → 330000, 330100, 330106. */
const levelsOf = (code: string): string[] => [
  ...new Set([`${code.slice(0, 2)}0000`, `${code.slice(0, 4)}00`, code]),
];

/**
 * Statistics (调查摸底): province → city → county. Each level shows its figures from `GET /v1/stats`, its
 * children's registrations (click a bar or a name to go down), and a chart with its table per breakdown.
 */
export async function renderStatistics(
  main: HTMLElement,
  api: Api,
  params: readonly string[],
): Promise<void> {
  const code = params[0];
  if (code === undefined || !/^\d{6}$/.test(code)) {
    const { children } = await api<DivisionsResponse>('/v1/divisions');
    main.append(
      section(
        ['选择省份', 'choose a province'],
        el(
          'p',
          { class: 'crumbs' },
          ...children.flatMap((p) => [el('a', { href: `#statistics/${p.code}` }, p.name), ' ']),
        ),
      ),
    );
    return;
  }
  const levels = await Promise.all(
    levelsOf(code).map((level) => api<DivisionsResponse>(`/v1/divisions?code=${level}`)),
  );
  const here = levels.at(-1) as DivisionsResponse;
  const children = here.children;
  const [stats, ...childStats] = await Promise.all([
    api<DivisionStatsResponse>(`/v1/stats?division=${code}`),
    ...children.map((child) => api<DivisionStatsResponse>(`/v1/stats?division=${child.code}`)),
  ]);
  const crumbs = el(
    'p',
    { class: 'crumbs' },
    el('a', { href: '#statistics' }, '全国'),
    ...levels.flatMap((level) =>
      level.division === null
        ? []
        : [' › ', el('a', { href: `#statistics/${level.division.code}` }, level.division.name)],
    ),
  );
  const summary = section(
    ['调查摸底', `survey statistics of ${code}, as of ${stats.asOf}`],
    crumbs,
    el(
      'div',
      { class: 'kpis' },
      kpi(LABELS.registered, stats.registered, 'registered'),
      kpi(LABELS.coordinators, stats.coordinatorsRequired, 'coordinatorsRequired'),
      kpi(LABELS.schooling, stats.schooling, 'schooling'),
    ),
  );
  summary.classList.add('wide');
  main.append(summary);
  if (children.length > 0) main.append(byChild(children, childStats));
  const types = Object.keys(stats.byResidenceType);
  const typeLabels = await Promise.all(types.map(residenceTypeLabel));
  main.append(
    breakdown(
      ['居住类型', 'by residence type'],
      'byResidenceType',
      types.map((type, i) => [type, typeLabels[i] ?? [type, type]] as const),
      stats.byResidenceType,
      'doughnut',
    ),
    breakdown(
      ['就业', 'employment'],
      'employment',
      entries(EMPLOYMENT_LABELS, stats.employment),
      stats.employment,
      'doughnut',
    ),
    breakdown(
      ['社会保险', 'insurance'],
      'insurance',
      entries(INSURANCE_LABELS, stats.insurance),
      stats.insurance,
      'doughnut',
    ),
    breakdown(
      ['居住时长', 'length of residence'],
      'lengthOfResidence',
      entries(LENGTH_LABELS, stats.lengthOfResidence),
      stats.lengthOfResidence,
      'bar',
    ),
  );
}

const entries = (labels: Record<string, Label>, figures: Record<string, number>) =>
  Object.keys(figures).map((key) => [key, labelOf(labels, key)] as const);

function byChild(children: readonly Division[], stats: readonly DivisionStatsResponse[]): HTMLElement {
  const { box, canvas } = chartBox();
  barChart(
    canvas,
    children.map((c) => c.name),
    [{ label: flat(LABELS.registered), data: stats.map((s) => s.registered) }],
    {
      onClick: (i) => {
        const child = children[i];
        if (child !== undefined) location.hash = `#statistics/${child.code}`;
      },
    },
  );
  const wide = section(
    ['下级区划', 'by division below'],
    box,
    table(
      [
        { label: LABELS.division },
        { label: LABELS.registered, numeric: true },
        { label: LABELS.coordinators, numeric: true },
      ],
      children.map((child, i) => [
        el('a', { href: `#statistics/${child.code}` }, `${child.name} ${child.code}`),
        figureCell(stats[i]?.registered ?? 0, `children.${child.code}.registered`),
        figureCell(stats[i]?.coordinatorsRequired ?? 0, `children.${child.code}.coordinatorsRequired`),
      ]),
    ),
  );
  wide.classList.add('wide');
  return wide;
}

function breakdown(
  title: Label,
  field: string,
  keys: readonly (readonly [string, Label])[],
  figures: Record<string, number>,
  kind: 'bar' | 'doughnut',
): HTMLElement {
  const { box, canvas } = chartBox();
  const labels = keys.map(([, label]) => flat(label));
  const data = keys.map(([key]) => figures[key] ?? 0);
  if (kind === 'bar') barChart(canvas, labels, [{ label: flat(LABELS.count), data }]);
  else doughnutChart(canvas, labels, data);
  return section(
    title,
    box,
    table(
      [{ label: LABELS.category }, { label: LABELS.count, numeric: true }],
      keys.map(([key, label]) => [
        el('span', {}, bilingual(label)),
        figureCell(figures[key] ?? 0, `${field}.${key}`),
      ]),
    ),
  );
}
