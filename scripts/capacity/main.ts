import { parseArgs } from 'node:util';
import { EVENT_KINDS, isEventKind } from '#events/index.ts';
import { STAGES, stageConfig } from '../../infra/config.ts';
import { capacityPlan, formatPlan } from './plan.ts';

// `npm run capacity -- --stage prod`: the capacity plan of a deployed stage (plan.ts), as Markdown.

const USAGE = `Usage: npm run -s capacity -- [--stage NAME] [options]

Prints the records/s a deployed stage takes with its region's default quotas, which quota binds first, the
increases a load needs, and the cost per million records.
  --stage NAME        one of ${Object.keys(STAGES).join(', ')} (default prod)
  --kind KIND         the records loaded (default residence-registration), one of
                      ${EVENT_KINDS.join(', ')}
  --records N         the load to plan for (default 22000000)
  --hours H           in this many hours (default 1)
  --per-request N     records per POST /v1/records, 1 to 500 (default 500)
  -h, --help          this text`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function positive(name: string, text: string, max = Number.POSITIVE_INFINITY): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || value <= 0 || value > max) {
    fail(`--${name} must be a positive number${Number.isFinite(max) ? ` up to ${max}` : ''}, got "${text}".`);
  }
  return value;
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      stage: { type: 'string', default: 'prod' },
      kind: { type: 'string', default: 'residence-registration' },
      records: { type: 'string', default: '22000000' },
      hours: { type: 'string', default: '1' },
      'per-request': { type: 'string', default: '500' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail((error as Error).message.split('\n')[0] as string); // node's parser explains on further lines
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const stageName = values.stage as string;
if (!Object.hasOwn(STAGES, stageName)) fail(`--stage must be one of ${Object.keys(STAGES).join(', ')}.`);
const kind = values.kind as string;
if (!isEventKind(kind)) fail(`--kind must be one of ${EVENT_KINDS.join(', ')}.`);
const perRequest = positive('per-request', values['per-request'] as string, 500);
if (!Number.isInteger(perRequest)) fail('--per-request must be a whole number.');

const plan = capacityPlan({
  stage: stageConfig(stageName),
  kind,
  recordsPerRequest: perRequest,
  targetRecords: positive('records', values.records as string),
  targetHours: positive('hours', values.hours as string),
});
process.stdout.write(formatPlan(plan));
