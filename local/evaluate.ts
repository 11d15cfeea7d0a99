import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { calendarDay, program } from './cli.ts';
import type { HubEndpoints } from './hub-state.ts';

// `npm run evaluate -- --as-of 2025-09-01`: runs a running local hub's daily eligibility evaluation "as of"
// a day (default today), as its timer does at 00:05 China time, and prints what it found.

const { asOf } = program(
  'npm run -s evaluate --',
  'Asks the running local hub (npm start) to re-evaluate every person whose permit eligibility changes by time ' +
    'alone on a day up to --as-of, emitting PermitEligibility.Changed for each change.',
)
  .option('--as-of <day>', 'the day to evaluate as of, YYYY-MM-DD (default: today in China)', calendarDay)
  .parse()
  .opts<{ asOf?: string }>();

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

// The route's module wires the whole derived services: loaded only once the arguments are known good.
const { EVALUATE_ROUTE_PATH } = await import('./derived-services.ts');
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
