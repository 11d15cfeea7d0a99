import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { maskPersonalData } from '#domain/mask.ts';
import { program } from './cli.ts';
import { runDerivedDemo } from './demo-derived.ts';
import { printResults } from './demo-output.ts';
import { LOCAL_CREDENTIALS } from './emulators/clients.ts';
import type { HubEndpoints } from './hub-state.ts';
import { settleHub, takeAllMessages } from './queue-tools.ts';
import { DEMO_SUBMISSIONS } from './sample-data.ts';

// `npm run demo`: posts the sample story to a running local hub (`npm start`) and prints what each
// department received. Personal data is printed masked, as everywhere in the hub's output.

program(
  'npm run demo --',
  'Posts the sample story to the running local hub (npm start) and prints what each department received, ' +
    'then the derived services: eligibility, look-ups, audit trail and statistics (personal data masked).',
).parse();

const file = resolve(process.env.HUB_STATE_DIR ?? '.local-hub', 'endpoints.json');
const endpoints = JSON.parse(
  await readFile(file, 'utf8').catch(() => fail(`No ${file}: start the hub first (npm start).`)),
) as HubEndpoints;
const sqs = new SQSClient({
  endpoint: endpoints.sqsEndpoint,
  region: endpoints.region,
  credentials: LOCAL_CREDENTIALS,
});

for (const queueUrl of Object.values(endpoints.queues)) await takeAllMessages(sqs, queueUrl); // start clean
for (const submission of DEMO_SUBMISSIONS) {
  const response = await fetch(`${endpoints.apiUrl}/v1/records`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${endpoints.tokens[submission.submitterId]}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ records: submission.records }),
  }).catch(() => fail(`The hub at ${endpoints.apiUrl} does not answer: is npm start still running?`));
  const body = (await response.json()) as { summary: unknown; results: Record<string, unknown>[] };
  console.log(`\n${submission.submitterId}: ${submission.what}`);
  console.log(`  HTTP ${response.status}, ${JSON.stringify(body.summary)}`);
  printResults(body.results);
}

await settleHub(endpoints.apiUrl);
console.log('\nWhat each department received (minimum necessary: each sees only its projected fields):');
for (const [department, queueUrl] of Object.entries(endpoints.queues)) {
  const messages = await takeAllMessages(sqs, queueUrl);
  console.log(`\n${department}: ${messages.length} message(s)`);
  for (const message of messages) {
    const { type, version, record } = JSON.parse(message.Body ?? '{}') as {
      type: string;
      version: number;
      record: unknown;
    };
    console.log(`  ${type} v${version} ${JSON.stringify(maskPersonalData(record))}`);
  }
}
await runDerivedDemo(endpoints, sqs);
sqs.destroy();

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
