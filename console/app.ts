import { type Api, ApiError, apiWith } from './api.ts';
import { destroyCharts, drawCharts } from './charts.ts';
import { el } from './dom.ts';
import { renderFlow } from './pages/flow.ts';
import { renderStatistics } from './pages/statistics.ts';
import { renderSubscribers } from './pages/subscribers.ts';

/*
 * The operator console (README "Operations: the console and its API"): three pages behind a hash route
 * (#flow, #subscribers, #statistics[/<division>]), each a client of the hub's JSON routes with the token the
 * user entered, kept in this tab's session storage only. Flow and subscribers refresh every 30 seconds.
 */

type Render = (main: HTMLElement, api: Api, params: readonly string[]) => Promise<void>;
const PAGES: Record<string, Render> = {
  flow: renderFlow,
  subscribers: renderSubscribers,
  statistics: renderStatistics,
};
const LIVE_PAGES = new Set(['flow', 'subscribers']);
const REFRESH_MS = 30_000;
const TOKEN_KEY = 'residence-data-hub.token';

const main = document.querySelector<HTMLElement>('#page') as HTMLElement;
const tokenInput = document.querySelector<HTMLInputElement>('#token') as HTMLInputElement;
let refresh: number | undefined;
let rendering = 0;

async function show(): Promise<void> {
  const [asked = '', ...params] = location.hash.replace(/^#/, '').split('/');
  const name = asked in PAGES ? asked : 'flow';
  const page = PAGES[name] ?? renderFlow;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('[data-nav]'))
    link.classList.toggle('current', link.dataset.nav === name);
  window.clearTimeout(refresh);
  const token = sessionStorage.getItem(TOKEN_KEY);
  const run = ++rendering;
  main.dataset.ready = '';
  main.dataset.view = '';
  if (!token) {
    destroyCharts();
    main.replaceChildren(
      el(
        'section',
        { class: 'wide' },
        el('p', {}, '请输入部门或运维令牌。 Enter a department or operator token above.'),
      ),
    );
    return;
  }
  const next = document.createElement('main');
  try {
    await page(next, apiWith(token), params);
  } catch (error) {
    const text =
      error instanceof ApiError ? `${error.status} ${error.code}: ${error.message}` : String(error);
    next.replaceChildren(el('section', { class: 'wide error' }, text));
  }
  if (run !== rendering) return; // a newer navigation won (its charts are the ones pending)
  destroyCharts();
  main.replaceChildren(...next.children);
  await document.fonts.ready; // the tables' Chinese text has fetched its font subsets: the charts can use them
  drawCharts();
  main.dataset.ready = name;
  main.dataset.view = [name, ...params].join('/'); // what is shown, for whoever waits on it (the tests)
  if (LIVE_PAGES.has(name)) refresh = window.setTimeout(() => void show(), REFRESH_MS);
}

document.querySelector('#token-form')?.addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim());
  tokenInput.value = '';
  void show();
});
document.querySelector('#forget')?.addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  void show();
});
window.addEventListener('hashchange', () => void show());
void show();
