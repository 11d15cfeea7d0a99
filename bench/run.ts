// `npm run bench [-- records]`: every benchmark in one run, so the end-to-end figure can be read against the
// emulators' own ceiling measured on the same (possibly noisy) machine. Prints figures; asserts nothing.
import { integerIn, program } from '#local/cli.ts';

const command = program(
  'npm run bench --',
  'Runs every benchmark and prints its figures beside the emulators’ ceiling measured in the same run.',
)
  .argument('[records]', 'records in the normalisation corpus (default 100000)', integerIn(1, 10_000_000))
  .option(
    '--import-rows <rows>',
    'rows of the bulk import benchmark (about 13 minutes for 100,000 on 2 cores)',
    integerIn(1, 1_000_000),
    100_000,
  )
  .option('--read-queues', 'read the department queues during the import, as departments do')
  .parse();
const n = command.processedArgs[0] as number | undefined;
const { importRows, readQueues = false } = command.opts<{ importRows: number; readQueues?: boolean }>();

// Loaded once the arguments are known good: `--help` needs none of the emulators.
const { benchEndToEnd } = await import('./e2e.ts');
const { benchEmulators } = await import('./emulators.ts');
const { benchImport } = await import('./import.ts');
const { benchNormalise } = await import('./normalise.ts');

await benchNormalise(n);
console.log();
const ceiling = await benchEmulators();
console.log();
const endToEnd = await benchEndToEnd();
console.log();
const ratio = endToEnd.recordsPerSecond / ceiling.dynamoDbPutsPerSecondWithTap;
const row = (figure: string, value: string, target?: string) =>
  console.log(`  ${figure.padEnd(52)}${value.padEnd(18)}${target ? `target ${target}` : ''}`.trimEnd());
console.log('the flow’s figures against their targets (one run, this machine):');
row('ceiling: conditional PutItem/s through the tap', `${ceiling.dynamoDbPutsPerSecondWithTap.toFixed(0)}/s`);
row('end to end ÷ the ceiling', `${endToEnd.recordsPerSecond.toFixed(0)}/s = ${ratio.toFixed(2)}`, '≥ 0.5');
row('statistics lag', `${(endToEnd.statsLagMs / 1000).toFixed(1)} s`, '≤ 2 s');
row('DynamoDB items written per accepted record', endToEnd.itemWritesPerRecord.toFixed(2), '≤ 4');
row(
  'latency POST → queue, p50 / p99',
  `${Math.round(endToEnd.latencyP50Ms)} / ${Math.round(endToEnd.latencyP99Ms)} ms`,
  'p99 ≤ 2,000 ms',
);
row('CPU per accepted record, whole process', `${endToEnd.cpuMsPerRecord.toFixed(1)} ms`);
console.log(
  `  (and ${(endToEnd.recordsPerSecond / ceiling.sqsMessagesPerSecondBatched).toFixed(3)} × batched SQS messages/s)`,
);
console.log();
const imported = await benchImport(importRows, { readQueues });
console.log();
console.log('bulk import against the emulators’ ceiling:');
console.log(
  `  ${(imported.rowsPerSecond / ceiling.dynamoDbPutsPerSecondWithTap).toFixed(2)} × conditional PutItem/s through the tap` +
    ' (each row costs one conditional put, then the same events and derivations as a submitted record)',
);
