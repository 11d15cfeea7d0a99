import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { z } from 'zod';
import { OperationError, UsageError } from './errors.ts';

/*
 * Where a command acts: the running local hub (default; `.local-hub/endpoints.json`, which `npm start` writes)
 * or a deployed stack (`--stack NAME [--region R]`, read from its CloudFormation outputs with the operator's
 * AWS credentials). Both give the same SDK clients, so every operation runs the same code against either;
 * only what the emulators lack (queue age, replay, delivery counting) differs, in `local` and `aws`.
 */

export interface TargetOptions {
  stack?: string;
  region?: string;
  endpoints?: string;
}

export interface SubscriberQueues {
  queueUrl: string;
  deadLetterQueueUrl: string;
}

interface Common {
  /** What to print as "where": `local hub http://127.0.0.1:4000` or `stack NAME (region)`. */
  label: string;
  region: string;
  /** Base URL of the HTTP API (no trailing slash). */
  apiUrl: string;
  tableName: string;
  eventBusName: string;
  /** SDK client settings for this target (endpoints and credentials locally; region on AWS). */
  clientConfig(service: 'sqs' | 'dynamodb' | 'eventbridge'): Record<string, unknown>;
  sqs: SQSClient;
  dynamoDb: DynamoDBClient;
  subscribers: ReadonlyMap<string, SubscriberQueues>;
}

export interface LocalTarget extends Common {
  kind: 'local';
  sqsEndpoint: string;
  /** The sample submitters' tokens the hub printed. */
  tokens: Readonly<Record<string, string>>;
}

export interface AwsTarget extends Common {
  kind: 'aws';
  stackName: string;
  archiveName: string;
}

export type Target = LocalTarget | AwsTarget;

/** Adds the target options to a command (every command that talks to a hub). */
export function withTargetOptions(command: Command): Command {
  return command
    .option(
      '--stack <name>',
      'act on this deployed stack (its CloudFormation outputs) instead of the local hub',
    )
    .option('--region <region>', 'region of the stack (default: the AWS SDK default region)')
    .option(
      '--endpoints <file>',
      'endpoints file of the local hub (default: $HUB_STATE_DIR/endpoints.json, .local-hub/endpoints.json)',
    );
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** What `npm start` writes to endpoints.json, as far as the operator command reads it. */
const localEndpoints = z.object({
  apiUrl: z.string(),
  region: z.string(),
  sqsEndpoint: z.string(),
  dynamodbEndpoint: z.string(),
  eventBridgeEndpoint: z.string(),
  tableName: z.string(),
  queues: z.record(z.string(), z.string()),
  deadLetterQueues: z.record(z.string(), z.string()),
  tokens: z.record(z.string(), z.string()),
});

export async function resolveTarget(options: TargetOptions): Promise<Target> {
  if (options.stack !== undefined) return stackTarget(options.stack, options.region);
  if (options.region !== undefined) throw new UsageError('--region applies to --stack only');
  return localTarget(
    options.endpoints ?? resolve(process.env.HUB_STATE_DIR ?? '.local-hub', 'endpoints.json'),
  );
}

async function localTarget(file: string): Promise<LocalTarget> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new OperationError(`no local hub: ${file} is missing (start one with npm start, or use --stack)`);
  }
  const parsed = localEndpoints.safeParse(JSON.parse(text));
  if (!parsed.success) throw new OperationError(`${file} is not a local hub's endpoints file`);
  const endpoints = parsed.data;
  const endpointOf = {
    sqs: endpoints.sqsEndpoint,
    dynamodb: endpoints.dynamodbEndpoint,
    eventbridge: endpoints.eventBridgeEndpoint,
  };
  const clientConfig = (service: keyof typeof endpointOf) => ({
    region: endpoints.region,
    endpoint: endpointOf[service],
    credentials: LOCAL_CREDENTIALS,
  });
  const subscribers = new Map(
    Object.entries(endpoints.queues).map(([id, queueUrl]) => [
      id,
      { queueUrl, deadLetterQueueUrl: endpoints.deadLetterQueues[id] ?? '' },
    ]),
  );
  return {
    kind: 'local',
    label: `local hub ${endpoints.apiUrl}`,
    region: endpoints.region,
    apiUrl: endpoints.apiUrl,
    tableName: endpoints.tableName,
    eventBusName: 'residence-data-hub-local',
    clientConfig,
    sqs: new SQSClient(clientConfig('sqs')),
    dynamoDb: new DynamoDBClient(clientConfig('dynamodb')),
    subscribers,
    sqsEndpoint: endpoints.sqsEndpoint,
    tokens: endpoints.tokens,
  };
}

const subscriberOutput = z.object({
  subscriber: z.string(),
  queueUrl: z.string(),
  deadLetterQueueUrl: z.string(),
});

async function stackTarget(stackName: string, region: string | undefined): Promise<AwsTarget> {
  const regionConfig = region === undefined ? {} : { region };
  const cloudFormation = new CloudFormationClient(regionConfig);
  let outputs: Record<string, string>;
  try {
    const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = Object.fromEntries(
      (Stacks[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']),
    );
  } catch (error) {
    throw new OperationError(`cannot read stack ${stackName}: ${(error as Error).message}`);
  } finally {
    cloudFormation.destroy();
  }
  const required = (key: string): string => {
    const value = outputs[key];
    if (value === undefined) throw new OperationError(`stack ${stackName} has no output ${key}`);
    return value;
  };
  const subscribers = new Map(
    Object.entries(outputs)
      .filter(([key]) => key.startsWith('Subscriber'))
      .map(([, value]) => subscriberOutput.parse(JSON.parse(value)))
      .map(({ subscriber, ...queues }) => [subscriber, queues] as const),
  );
  const sqs = new SQSClient(regionConfig);
  return {
    kind: 'aws',
    label: `stack ${stackName} (${await sqs.config.region()})`,
    region: await sqs.config.region(),
    apiUrl: required('IngestUrl').replace(/\/v1\/records$/, ''),
    tableName: required('TableName'),
    eventBusName: required('EventBusName'),
    archiveName: required('ArchiveName'),
    clientConfig: () => regionConfig,
    sqs,
    dynamoDb: new DynamoDBClient(regionConfig),
    subscribers,
    stackName,
  };
}

/** A subscriber's queues, or a usage error listing the known subscribers. */
export function queuesOf(target: Target, subscriber: string): SubscriberQueues {
  const queues = target.subscribers.get(subscriber);
  if (queues === undefined) {
    throw new UsageError(
      `no subscriber "${subscriber}" on the ${target.label}; known: ${[...target.subscribers.keys()].join(', ')}`,
    );
  }
  return queues;
}

export function closeTarget(target: Target): void {
  target.sqs.destroy();
  target.dynamoDb.destroy();
}
