import type { ChartDataset, Chart as ChartJs } from 'chart.js';

// Chart.js's UMD build, served by the hub from node_modules (index.html loads it before this module).
declare const Chart: typeof ChartJs;

const live = new Set<ChartJs>();
/** Charts of the page being built: drawn once it is in the document (Chart.js measures its canvas). */
let pending: (() => void)[] = [];
const COLOURS = ['#1f6feb', '#1a7f37', '#cf222e', '#b35900', '#8250df', '#0a7ea4', '#bf3989', '#57606a'];
export const colour = (i: number): string => COLOURS[i % COLOURS.length] ?? '#57606a';

/** Charts of the page being left: destroyed before the next page draws. */
export function destroyCharts(): void {
  for (const chart of live) chart.destroy();
  live.clear();
}

/** Draws the charts the page being shown asked for. */
export function drawCharts(): void {
  const draws = pending;
  pending = [];
  for (const draw of draws) draw();
}

Chart.defaults.font.family = "'Noto Sans SC', system-ui, sans-serif";
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

export function barChart(
  canvas: HTMLCanvasElement,
  labels: readonly string[],
  datasets: readonly { label: string; data: readonly number[] }[],
  options: { stacked?: boolean; onClick?: (index: number) => void } = {},
): void {
  pending.push(() =>
    live.add(
      new Chart(canvas, {
        type: 'bar',
        data: {
          labels: [...labels],
          datasets: datasets.map(
            (dataset, i): ChartDataset<'bar'> => ({
              ...dataset,
              data: [...dataset.data],
              backgroundColor: colour(i),
            }),
          ),
        },
        options: {
          scales: {
            x: { stacked: options.stacked ?? false },
            y: { stacked: options.stacked ?? false, beginAtZero: true, ticks: { precision: 0 } },
          },
          plugins: { legend: { display: datasets.length > 1 } },
          ...(options.onClick === undefined
            ? {}
            : {
                onClick: (_event, elements) => {
                  const index = elements[0]?.index;
                  if (index !== undefined) options.onClick?.(index);
                },
              }),
        },
      }),
    ),
  );
}

export function doughnutChart(
  canvas: HTMLCanvasElement,
  labels: readonly string[],
  data: readonly number[],
): void {
  pending.push(() =>
    live.add(
      new Chart(canvas, {
        type: 'doughnut',
        data: {
          labels: [...labels],
          datasets: [{ data: [...data], backgroundColor: labels.map((_, i) => colour(i)) }],
        },
        options: { plugins: { legend: { position: 'right' } } },
      }),
    ),
  );
}
