import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createQueueConsumer, type MessageOutcome } from './consumer.ts';
import { createMessageParser, type DepartmentMessage, messageSchemasOf } from './messages.ts';

// `node examples/consumer/main.ts --department health`: consumes a department's queue of the local hub
// (or, with --queue-url, a queue in AWS with the default credentials) until Ctrl-C.

const USAGE = `Usage: node examples/consumer/main.ts --department NAME [options]

  --department NAME        public-security, housing, hrss, education or health
  --endpoints FILE         the local hub's endpoints (default .local-hub/endpoints.json)
  --queue-url URL          a queue in AWS instead (credentials and region from the environment)
  --contract FILE          the AsyncAPI document to validate against (default docs/asyncapi/NAME.json)
  --wait-seconds N         long-polling wait per receive, 0-20 (default 20)
  --visibility-timeout N   seconds a received message stays hidden (default: the queue's)
  --max-polls N            stop after N receives (default: until Ctrl-C)`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    department: { type: 'string' },
    endpoints: { type: 'string', default: '.local-hub/endpoints.json' },
    'queue-url': { type: 'string' },
    contract: { type: 'string' },
    'wait-seconds': { type: 'string', default: '20' },
    'visibility-timeout': { type: 'string' },
    'max-polls': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const department = values.department ?? fail('--department is required.');

function integer(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) fail(`--${name} must be ${min} to ${max}.`);
  return value;
}

interface LocalEndpoints {
  sqsEndpoint: string;
  region: string;
  queues: Record<string, string>;
}

async function queueClient(): Promise<{ sqs: SQSClient; queueUrl: string }> {
  const queueUrl = values['queue-url'];
  if (queueUrl !== undefined) return { sqs: new SQSClient({}), queueUrl };
  const file = resolve(values.endpoints);
  const endpoints = JSON.parse(
    await readFile(file, 'utf8').catch(() => fail(`cannot read ${file}: is the hub running?`)),
  ) as LocalEndpoints;
  const localQueue = endpoints.queues[department] ?? fail(`the local hub has no queue ${department}.`);
  // The local hub accepts any credentials; fixed ones keep a developer's AWS profile out of it.
  const sqs = new SQSClient({
    endpoint: endpoints.sqsEndpoint,
    region: endpoints.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return { sqs, queueUrl: localQueue };
}

const contractFile = resolve(values.contract ?? `docs/asyncapi/${department}.json`);
const contract: unknown = JSON.parse(await readFile(contractFile, 'utf8'));
const { sqs, queueUrl } = await queueClient();

/** The department's work goes here; this one only says what arrived (never the record: personal data). */
async function processMessage(message: DepartmentMessage): Promise<void> {
  console.log(`processed ${message.type} ${message.recordId} v${message.version}`);
}

const consumer = createQueueConsumer({
  sqs,
  queueUrl,
  parse: createMessageParser(messageSchemasOf(contract)),
  process: processMessage,
  waitTimeSeconds: integer('wait-seconds', values['wait-seconds'], 0, 20),
  visibilityTimeoutSeconds: integer('visibility-timeout', values['visibility-timeout'], 0, 43_200),
});

function report(outcome: MessageOutcome): void {
  switch (outcome.status) {
    case 'processed':
      return;
    case 'invalid':
      console.log(`invalid message ${outcome.messageId}: ${describeError(outcome.error)} (left for the DLQ)`);
      return;
    case 'failed':
      console.log(`failed ${outcome.type} ${outcome.id}: ${describeError(outcome.error)} (will be retried)`);
      return;
    case 'stale':
      console.log(`skipped stale ${outcome.type} ${outcome.id} (have v${outcome.latestVersion})`);
      return;
    case 'duplicate':
      console.log(`skipped duplicate ${outcome.type} ${outcome.id}`);
  }
}

/** The error's kind and, for a validation error, the paths: never the values, which may be personal. */
function describeError(error: unknown): string {
  const issues = (error as { issues?: Array<{ path: PropertyKey[]; code: string }> }).issues;
  if (Array.isArray(issues))
    return `ZodError at ${issues.map((i) => `${i.path.join('.')} (${i.code})`).join(', ')}`;
  return error instanceof Error ? error.name : 'error';
}

const stop = new AbortController();
process.on('SIGINT', () => stop.abort());
process.on('SIGTERM', () => stop.abort());
console.log(`consuming ${queueUrl} (Ctrl-C stops)`);
await consumer.run({
  signal: stop.signal,
  maxPolls: integer('max-polls', values['max-polls'], 1, Number.MAX_SAFE_INTEGER) ?? Number.POSITIVE_INFINITY,
  onPoll: (poll) => {
    for (const outcome of poll.outcomes) report(outcome);
  },
});
sqs.destroy();
console.log('stopped');
