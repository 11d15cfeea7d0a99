import { Option } from 'commander';
import { EVENT_KINDS, type EventKind } from '#events/index.ts';
import { STAGES, stageConfig } from '../../infra/config.ts';
import { positiveNumber, program } from '../cli.ts';
import { capacityPlan, formatPlan } from './plan.ts';

// `npm run capacity -- --stage prod`: the capacity plan of a deployed stage (plan.ts), as Markdown.

const options = program(
  'npm run -s capacity --',
  "Prints the records/s a deployed stage takes with its region's default quotas, which quota binds first, " +
    'the increases a load needs, and the cost per million records.',
)
  .addOption(
    new Option('--stage <name>', 'the deployment stage').choices(Object.keys(STAGES)).default('prod'),
  )
  .addOption(
    new Option('--kind <kind>', 'the records loaded').choices(EVENT_KINDS).default('residence-registration'),
  )
  .option('--records <n>', 'the load to plan for', positiveNumber(), 22_000_000)
  .option('--hours <h>', 'in this many hours', positiveNumber(), 1)
  .option('--per-request <n>', 'records per POST /v1/records, 1 to 500', positiveNumber(500, true), 500)
  .parse()
  .opts<{ stage: string; kind: EventKind; records: number; hours: number; perRequest: number }>();

const plan = capacityPlan({
  stage: stageConfig(options.stage),
  kind: options.kind,
  recordsPerRequest: options.perRequest,
  targetRecords: options.records,
  targetHours: options.hours,
});
process.stdout.write(formatPlan(plan));
