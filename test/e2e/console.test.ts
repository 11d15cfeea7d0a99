import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, chinaDateOf } from '#domain/dates.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { type HubProcess, startHubProcess } from '../helpers/hub-process.ts';
import { idNumberFor } from '../helpers/sample-people.ts';

/*
 * The operator console in a real browser (headless Chromium) against `npm start`'s hub with a known data set:
 * every figure on each page equals the API's answer, no ID number or phone reaches the page, the page talks
 * to its own hub only, and the Chinese web font renders. Screenshots go to a temporary folder, or to docs/
 * for the README with CONSOLE_SCREENSHOTS=docs (npm run screenshots).
 */

const OFFICE = 'ops-province-office'; // department public-security, audit right "all"
const today = chinaDateOf(new Date().toISOString());
const PEOPLE = [11, 12, 13, 14].map((n) => idNumberFor('341222', '1991-04-05', n));
const PHONES = ['13800138000', '13912345678'];
const BAD_ID = `${(PEOPLE[0] ?? '').slice(0, 17)}${(PEOPLE[0] ?? '').endsWith('0') ? '1' : '0'}`;
const EMPLOYER = { creditCode: '91330106MA2711111A', name: '杭州西湖科技有限公司', divisionCode: '330106' };

const person = (idNumber: string, i: number) => ({
  idNumber,
  name: ['张伟', '李娜', '王芳', '刘洋'][i] ?? '张伟',
  phone: PHONES[i % PHONES.length],
  hukouDivisionCode: '341222',
});
const registration = (
  idNumber: string,
  i: number,
  movedInOn: string,
  residenceType: string,
  county = '330106',
) => ({
  kind: 'residence-registration',
  sourceId: `REG-${i}`,
  data: {
    person: person(idNumber, i),
    address: { divisionCode: county, detail: `文三路${90 + i}号3幢2单元301室` },
    residenceType,
    reason: 'work',
    movedInOn,
  },
});

let hub: HubProcess;
let browser: Browser;
let page: Page;
let shots: string;
const requested: string[] = [];

async function api(path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${hub.endpoints.apiUrl}${path}`, {
    headers: { authorization: `Bearer ${hub.endpoints.tokens[OFFICE]}` },
  });
  expect(response.status, path).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function post(submitterId: string, records: unknown[]): Promise<void> {
  const response = await fetch(`${hub.endpoints.apiUrl}/v1/records`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${hub.endpoints.tokens[submitterId]}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ records }),
  });
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  [hub, browser] = await Promise.all([startHubProcess(), launchBrowser()]);
  const [a = '', b = '', c = '', d = ''] = PEOPLE;
  // A landlord: two late registrations, one on time in another county, one rejected (wrong check digit).
  await post('landlord-wang-fang', [
    registration(a, 0, addDays(today, -30), 'rented'),
    registration(b, 1, addDays(today, -10), 'rented'),
    registration(c, 2, addDays(today, -1), 'rented', '330108'),
    registration(BAD_ID, 3, today, 'rented'),
  ]);
  // An employer: a dormitory registration on time, and a job rejected (a hukou is no field of an employment).
  await post('employer-xihu-tech', [
    registration(d, 3, addDays(today, -1), 'employer-dormitory'),
    {
      kind: 'employment',
      sourceId: 'JOB-1',
      data: {
        person: person(d, 3),
        employer: EMPLOYER,
        contractType: 'open-ended',
        startsOn: addDays(today, -1),
      },
    },
  ]);
  await fetch(`${hub.endpoints.apiUrl}/_local/settle`, { method: 'POST' });

  shots = process.env.CONSOLE_SCREENSHOTS === 'docs' ? 'docs' : await mkdtemp(join(tmpdir(), 'console-'));
  await mkdir(shots, { recursive: true });
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.on('request', (request) => {
    requested.push(request.url());
  });
  await page.goto(hub.endpoints.consoleUrl);
  await page.type('#token', hub.endpoints.tokens[OFFICE] ?? '');
  await page.click('#token-form button[type=submit]');
  await page.waitForSelector('main[data-ready="flow"]');
}, 90_000);

afterAll(async () => {
  await browser?.close();
  expect(await hub?.stop()).toBe(0);
});

/** Goes to a page and waits until it has drawn. */
async function visit(hash: string): Promise<void> {
  await page.$eval(
    'html',
    (root, target) => {
      (root.ownerDocument.defaultView as { location: { hash: string } }).location.hash = target;
    },
    hash,
  );
  await page.waitForSelector(`main[data-view="${hash.slice(1)}"]`);
}

/** Shows a page, waits until it has drawn, and keeps its screenshot. */
async function show(name: string, hash: string): Promise<Map<string, string>> {
  await visit(hash);
  await page.screenshot({ path: join(shots, `console-${name}.png`), fullPage: true });
  const figures = await page.$$eval('[data-figure]', (cells) =>
    cells.map((cell) => [cell.getAttribute('data-figure') ?? '', cell.textContent ?? ''] as const),
  );
  return new Map(figures);
}

/** A figure as the page shows it: grouped digits, or — for "not known". */
const shown = (value: unknown): string => (value === null ? '—' : Number(value).toLocaleString('zh-CN'));

async function expectNothingPersonal(): Promise<void> {
  const html = await page.content();
  const text = await page.$eval('body', (body) => body.textContent ?? '');
  for (const secret of [...PEOPLE, BAD_ID, ...PHONES, '张伟', '李娜', '王芳', '刘洋']) {
    expect(html).not.toContain(secret);
    expect(text).not.toContain(secret);
  }
  expect(text).not.toMatch(/\d{17}[\dXx]|1[3-9]\d{9}/);
}

describe('the console', () => {
  it('Flow: the per-minute counts, the rejection codes and the late reporters are the API’s', async () => {
    const figures = await show('flow', '#flow');
    const flow = (await api('/v1/flow')) as {
      totals: Record<string, number>;
      minutes: { minute: string; accepted: number; unchanged: number; rejected: number }[];
      rejectionCodes: { code: string; records: number }[];
    };
    const late = (await api('/v1/late-reports')) as {
      submitters: { submitterId: string; lateReports: number }[];
    };

    expect(flow.totals).toEqual({ accepted: 4, unchanged: 0, rejected: 2 });
    expect(flow.rejectionCodes.map((c) => c.code).sort()).toEqual(['FIELD_UNKNOWN', 'ID_NUMBER_CHECKSUM']);
    const expected = new Map<string, string>();
    for (const [status, n] of Object.entries(flow.totals)) expected.set(`totals.${status}`, shown(n));
    for (const m of flow.minutes.filter((m) => m.accepted + m.unchanged + m.rejected > 0))
      for (const status of ['accepted', 'unchanged', 'rejected'] as const)
        expected.set(`minutes.${m.minute}.${status}`, shown(m[status]));
    for (const c of flow.rejectionCodes) expected.set(`rejectionCodes.${c.code}`, shown(c.records));
    for (const s of late.submitters) expected.set(`lateReports.${s.submitterId}`, shown(s.lateReports));
    expect(figures).toEqual(expected);
    expect(late.submitters.map((s) => [s.submitterId, s.lateReports])).toEqual([['landlord-wang-fang', 2]]);
    expect(await page.$eval('main', (main) => main.textContent)).toContain('公民身份号码校验码错误');
    await expectNothingPersonal();
  });

  it('Subscribers: depths, dead letters and deliveries are the API’s; the oldest message only ages', async () => {
    const figures = await show('subscribers', '#subscribers');
    const { subscribers } = (await api('/v1/subscribers')) as {
      subscribers: {
        name: string;
        queue: { messages: number; inFlight: number; oldestMessageAgeSeconds: number | null };
        deadLetterQueue: { messages: number };
        deliveredLastHour: number | null;
        oldestMessageAlarmSeconds: number;
      }[];
    };

    expect(subscribers.map((s) => s.name)).toEqual([
      'public-security',
      'housing',
      'hrss',
      'education',
      'health',
      'justice',
      'culture-sports',
    ]);
    for (const s of subscribers) {
      expect(figures.get(`${s.name}.queue.messages`)).toBe(shown(s.queue.messages));
      expect(figures.get(`${s.name}.queue.inFlight`)).toBe(shown(s.queue.inFlight));
      expect(figures.get(`${s.name}.deadLetterQueue.messages`)).toBe(shown(s.deadLetterQueue.messages));
      expect(figures.get(`${s.name}.deliveredLastHour`)).toBe(shown(s.deliveredLastHour));
      expect(figures.get(`${s.name}.oldestMessageAlarmSeconds`)).toBe(shown(s.oldestMessageAlarmSeconds));
      // Read before the API was asked: never older than the API's answer.
      const age = figures.get(`${s.name}.queue.oldestMessageAgeSeconds`) ?? '';
      if (s.queue.oldestMessageAgeSeconds === null) expect(age).toBe('—');
      else expect(Number(age.replaceAll(',', ''))).toBeLessThanOrEqual(s.queue.oldestMessageAgeSeconds);
    }
    expect(subscribers.find((s) => s.name === 'public-security')?.queue.messages).toBeGreaterThan(0);
    await expectNothingPersonal();
  });

  it('Statistics: a city’s figures, each breakdown’s table and its counties are the API’s', async () => {
    const figures = await show('statistics', '#statistics/330100');
    const stats = (await api('/v1/stats?division=330100')) as Record<string, unknown>;
    const { children } = (await api('/v1/divisions?code=330100')) as { children: { code: string }[] };

    const expected = new Map<string, string>();
    for (const key of ['registered', 'coordinatorsRequired', 'schooling'])
      expected.set(key, shown(stats[key]));
    for (const group of ['byResidenceType', 'employment', 'insurance', 'lengthOfResidence'])
      for (const [key, n] of Object.entries(stats[group] as Record<string, number>))
        expected.set(`${group}.${key}`, shown(n));
    for (const { code } of children) {
      const child = await api(`/v1/stats?division=${code}`);
      expected.set(`children.${code}.registered`, shown(child.registered));
      expected.set(`children.${code}.coordinatorsRequired`, shown(child.coordinatorsRequired));
    }
    expect(figures).toEqual(expected);
    expect(stats.registered).toBe(4);
    expect(figures.get('children.330106.registered')).toBe('3');
    expect(figures.get('children.330108.registered')).toBe('1');
    await expectNothingPersonal();
  });

  it('renders its Chinese text in the Noto Sans SC web font the hub serves', async () => {
    const { loaded, renders } = await page.$eval('html', async (root) => {
      const { fonts } = root.ownerDocument;
      await fonts.ready;
      return {
        loaded: [...fonts].filter((f) => f.family.includes('Noto Sans SC') && f.status === 'loaded').length,
        renders: fonts.check('16px "Noto Sans SC"', '调查摸底'),
      };
    });

    expect(loaded).toBeGreaterThan(0);
    expect(renders).toBe(true);
  });

  it('asks its own hub only, and the statistics drill down by a click', async () => {
    await page.click('a[href="#statistics/330106"]');
    await page.waitForSelector('main[data-view="statistics/330106"]');
    const registered = await page.$eval('[data-figure="registered"]', (cell) => cell.textContent);

    expect(registered).toBe('3');
    expect(requested.filter((url) => !url.startsWith(hub.endpoints.apiUrl))).toEqual([]);
  });

  it('Flow: an import shows queued, then its finished progress bar and counts, as the API answers them', async () => {
    // Prepare: an import asked for, its file not uploaded yet (queued).
    const importer = { authorization: `Bearer ${hub.endpoints.tokens['property-manager-lvcheng']}` };
    const asked = await fetch(`${hub.endpoints.apiUrl}/v1/imports`, {
      method: 'POST',
      headers: { ...importer, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'residence-registration',
        fileName: 'register.csv',
        contentType: 'text/csv',
      }),
    });
    expect(asked.status).toBe(201);
    const { importId, statusUrl, uploadUrl } = (await asked.json()) as Record<string, string>;
    const row = `tr[data-import="${importId}"]`;

    // Act + Assess: queued, with an indeterminate bar.
    await visit('#flow');
    expect(await page.$eval(row, (tr) => tr.getAttribute('data-status'))).toBe('queued');
    expect(await page.$eval(`${row} progress`, (bar) => bar.hasAttribute('value'))).toBe(false);

    // Act: the register arrives and is imported to the end.
    const put = await fetch(uploadUrl ?? '', {
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      body: await readFile('examples/imports/residence-registration.csv'),
    });
    expect(put.status).toBe(200);
    for (let poll = 0; poll < 600; poll += 1) {
      const status = (await (
        await fetch(`${hub.endpoints.apiUrl}${statusUrl}`, { headers: importer })
      ).json()) as {
        status: string;
      };
      if (status.status === 'done' || status.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await visit('#subscribers');
    const figures = await show('flow', '#flow');
    const activity = (await api('/v1/import-activity')) as {
      imports: (Record<string, number | string | null> & { importId: string })[];
    };

    // Assess: the row's figures and bar are the API's answer; the import is done, 3 accepted and 1 rejected.
    const answered = activity.imports.find((i) => i.importId === importId);
    expect(answered).toMatchObject({
      status: 'done',
      total: 4,
      processed: 4,
      accepted: 3,
      rejected: 1,
      etaSeconds: null,
    });
    for (const field of [
      'processed',
      'total',
      'accepted',
      'unchanged',
      'rejected',
      'rowsPerSecond',
      'etaSeconds',
    ])
      expect(figures.get(`imports.${importId}.${field}`), field).toBe(shown(answered?.[field]));
    expect(await page.$eval(row, (tr) => tr.getAttribute('data-status'))).toBe('done');
    expect(await page.$eval(`${row} progress`, (bar) => [bar.value, bar.max])).toEqual([4, 4]);
    await expectNothingPersonal();
  });
});
