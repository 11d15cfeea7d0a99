import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createQueueConsumer, type MessageOutcome } from './consumer.ts';
import { createMessageParser, type DepartmentMessage, messageSchemasOf } from './messages.ts';

// `npm run consumer -- --department health`: consumes a department's queue of the local hub (or, with
// --queue-url, a queue in AWS with the default credentials) until Ctrl-C.

const DEPARTMENTS = ['public-security', 'housing', 'hrss', 'education', 'health'] as const;

const integerIn =
  (min: number, max: number) =>
  (text: string): number => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max)
      throw new InvalidArgumentError(`Must be a whole number from ${min} to ${max}.`);
    return value;
  };

// Argument errors: one line and the usage on stderr, exit code 2; --help: the usage, exit code 0.
const values = new Command('npm run consumer --')
  .description(
    "Consumes a department's queue until Ctrl-C, printing one line per message (never its record).",
  )
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .addOption(new Option('--department <name>', 'the department').choices(DEPARTMENTS).makeOptionMandatory())
  .option('--endpoints <file>', "the local hub's endpoints", '.local-hub/endpoints.json')
  .option('--queue-url <url>', 'a queue in AWS instead (credentials and region from the environment)')
  .option('--contract <file>', 'the AsyncAPI document to validate against (default docs/asyncapi/NAME.json)')
  .option('--wait-seconds <n>', 'long-polling wait per receive, 0-20', integerIn(0, 20), 20)
  .option(
    '--visibility-timeout <n>',
    "seconds a received message stays hidden (default: the queue's)",
    integerIn(0, 43_200),
  )
  .option(
    '--max-polls <n>',
    'stop after N receives (default: until Ctrl-C)',
    integerIn(1, Number.MAX_SAFE_INTEGER),
  )
  .parse()
  .opts<{
    department: (typeof DEPARTMENTS)[number];
    endpoints: string;
    queueUrl?: string;
    contract?: string;
    waitSeconds: number;
    visibilityTimeout?: number;
    maxPolls?: number;
  }>();
const { department } = values;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

interface LocalEndpoints {
  sqsEndpoint: string;
  region: string;
  queues: Record<string, string>;
}

async function queueClient(): Promise<{ sqs: SQSClient; queueUrl: string }> {
  const queueUrl = values.queueUrl;
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
const contract: unknown = JSON.parse(
  await readFile(contractFile, 'utf8').catch(() => fail(`cannot read the contract ${contractFile}.`)),
);
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
  waitTimeSeconds: values.waitSeconds,
  ...(values.visibilityTimeout === undefined ? {} : { visibilityTimeoutSeconds: values.visibilityTimeout }),
});

function report(outcome: MessageOutcome): void {
  switch (outcome.status) {
    case 'processed':
      return;
    case 'ignored':
      console.log(`ignored ${outcome.type} ${outcome.id}: a type this consumer's contract does not list`);
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
  maxPolls: values.maxPolls ?? Number.POSITIVE_INFINITY,
  onPoll: (poll) => {
    for (const outcome of poll.outcomes) report(outcome);
  },
});
sqs.destroy();
console.log('stopped');
