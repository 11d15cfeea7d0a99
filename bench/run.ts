// `npm run bench [-- records]`: every benchmark in one run, so the end-to-end figure can be read against the
// emulators' own ceiling measured on the same (possibly noisy) machine. Prints figures; asserts nothing.
import { benchEndToEnd } from './e2e.ts';
import { benchEmulators } from './emulators.ts';
import { benchNormalise } from './normalise.ts';

const n = process.argv[2] === undefined ? undefined : Number(process.argv[2]);

await benchNormalise(n);
console.log();
const ceiling = await benchEmulators();
console.log();
const endToEnd = await benchEndToEnd();
console.log();
console.log('end to end against the emulators’ ceiling:');
console.log(
  `  ${(endToEnd.recordsPerSecond / ceiling.dynamoDbPutsPerSecondWithTap).toFixed(2)} × conditional PutItem/s through the tap` +
    ` (each record costs one conditional put, one history put, and a queue message per receiving department)`,
);
console.log(
  `  ${(endToEnd.recordsPerSecond / ceiling.sqsMessagesPerSecondBatched).toFixed(3)} × batched SQS messages/s`,
);
