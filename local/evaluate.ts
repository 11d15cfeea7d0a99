import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EVALUATE_ROUTE_PATH } from './derived-services.ts';
import type { HubEndpoints } from './hub-state.ts';

// `npm run evaluate -- --as-of 2025-09-01`: runs a running local hub's daily eligibility evaluation "as of"
// a day (default today), as its timer does at 00:05 China time, and prints what it found.

const USAGE = `Usage: npm run -s evaluate -- [--as-of YYYY-MM-DD]

Asks the running local hub (npm start) to re-evaluate every person whose permit eligibility changes by time
alone on a day up to --as-of (default: today in China), emitting PermitEligibility.Changed for each change.`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: { 'as-of': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const asOf = values['as-of'];
if (asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) fail('--as-of must be a date YYYY-MM-DD.');

const file = resolve(process.env.HUB_STATE_DIR ?? '.local-hub', 'endpoints.json');
const endpoints = JSON.parse(
  await readFile(file, 'utf8').catch(() => fail(`No ${file}: start the hub first (npm start).`)),
) as HubEndpoints;
const response = await fetch(`${endpoints.apiUrl}${EVALUATE_ROUTE_PATH}`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(asOf === undefined ? {} : { asOf }),
}).catch(() => fail(`The hub at ${endpoints.apiUrl} does not answer: is npm start still running?`));
const body = await response.text();
if (!response.ok) fail(`HTTP ${response.status}: ${body}`);
const summary = JSON.parse(body) as {
  asOf: string;
  from?: string;
  days: number;
  evaluated: number;
  changed: number;
};
console.log(
  summary.days === 0
    ? `Already evaluated through ${summary.asOf}: nothing to do.`
    : `Evaluated as of ${summary.asOf} (due days ${summary.from} to ${summary.asOf}): ` +
        `${summary.evaluated} profile(s) due, ${summary.changed} eligibility change(s) emitted.`,
);
