import { z } from 'zod';
import {
  CHANGE_EVENT_SCHEMA_VERSION,
  type CompiledRule,
  compileSubscription,
  type DetailType,
  parseDetailType,
  QUEUE_DELIVERY,
  SAMPLE_DETAILS,
  SOURCE,
  type Subscription,
} from '#events/index.ts';
import { applyInputTransformer } from '#events/input-transformer.ts';
import { CONTRACT_VERSION } from './contract-version.ts';
import { projectedMessageSchema } from './projected-message.ts';

/*
 * One AsyncAPI 3 document per department subscription: its queue as the channel, one message per detail-type
 * the subscription routes, each message's payload the schema of exactly what the rule's input transformer
 * writes (projected-message.ts), with a sample produced by that transformer from the catalogue's sample event.
 */

export const ASYNCAPI_VERSION = '3.0.0';
/** The AsyncAPI SQS bindings' version (github.com/asyncapi/bindings, sqs). */
const SQS_BINDING_VERSION = '0.3.0';

type JsonObject = Record<string, unknown>;

/** One message of the document: its schema (zod, for tests and consumers) and its rendered form. */
export interface DepartmentMessage {
  detailType: DetailType;
  rule: CompiledRule;
  schema: z.ZodObject;
  sample: JsonObject;
}

/** Every message a subscription's queue can deliver, in catalogue order. */
export function departmentMessages(subscription: Subscription): DepartmentMessage[] {
  return compileSubscription(subscription).flatMap((rule) =>
    rule.eventPattern['detail-type'].map((detailType) => {
      const schema = projectedMessageSchema(rule, detailType);
      const sample = sampleMessage(rule, detailType);
      // The sample is the real transformer's output: if it does not fit the schema, the schema is wrong.
      schema.parse(sample);
      return { detailType, rule, schema, sample };
    }),
  );
}

/** What the rule's input transformer delivers for the catalogue's sample event of `detailType`. */
export function sampleMessage(rule: CompiledRule, detailType: DetailType): JsonObject {
  const event = {
    version: '0',
    id: '6f1c5b7e-8d2a-4c3b-9e4f-0a1b2c3d4e5f',
    'detail-type': detailType,
    source: SOURCE,
    account: '000000000000',
    time: SAMPLE_DETAILS[detailType].occurredAt,
    region: 'cn-northwest-1',
    resources: [],
    detail: SAMPLE_DETAILS[detailType],
  };
  return JSON.parse(applyInputTransformer(rule.inputTransformer, JSON.stringify(event))) as JsonObject;
}

/**
 * The JSON Schema (draft-07, which AsyncAPI's default schema format extends) of a message payload. Its objects
 * stay open: a field added later is a compatible change (docs/versioning.md), so the documents never promise a
 * consumer that no other field appears. That a department gets no field beyond its projection is the strict
 * zod schema's guarantee, which the tests check every delivered message against.
 */
export function payloadJsonSchema(schema: z.ZodType): JsonObject {
  const { $schema: _dialect, ...payload } = z.toJSONSchema(schema, { target: 'draft-7' }) as JsonObject;
  return acceptingAdditions(payload) as JsonObject;
}

function acceptingAdditions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(acceptingAdditions);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => !(key === 'additionalProperties' && value === false))
      .map(([key, value]) => [key, acceptingAdditions(value)]),
  );
}

/** What every document says about versions (docs/versioning.md). */
export const VERSIONING_NOTES = [
  `- Every message carries \`schemaVersion\` (${CHANGE_EVENT_SCHEMA_VERSION} today), the contract's major version. ` +
    'Compatible changes keep it: a new optional field, a new detail-type, a new enum value. So ignore fields ' +
    'you do not know, skip (and delete) a `type` you do not know, and do not fail on an enum value you do not ' +
    'know. A breaking change ships as new detail-types with the next schemaVersion, published beside the old ' +
    'ones for a stated overlap (docs/versioning.md, CHANGELOG.md).',
];

const pascal = (name: string) =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

export function buildAsyncApiDocument(subscription: Subscription): JsonObject {
  const messages = departmentMessages(subscription);
  const channel = subscription.name;
  const names = messages.map((m) => m.detailType);
  return {
    asyncapi: ASYNCAPI_VERSION,
    info: {
      title: `residence-data-hub: the ${subscription.name} queue`,
      version: CONTRACT_VERSION,
      description: [
        subscription.description,
        '',
        `The messages the \`${subscription.name}\` queue delivers: for each event the hub publishes ` +
          '(source `residence-data-hub`), the fields of the detail this department may see, projected by an ' +
          'EventBridge input transformer, plus `type` (the detail-type). The message body is the JSON payload.',
        '',
        '- Delivery is at least once and unordered: de-duplicate on `id`, keep the highest `version` per ' +
          '`recordId` and drop older ones.',
        '- An optional field the record lacks arrives as `null`, never absent and never `""` (only `replay` is `""`, on a live delivery).',
        `- Delete a message only once it is processed, within the visibility timeout ` +
          `(${QUEUE_DELIVERY.visibilityTimeoutSeconds} s unless the stage sets another for the department); one ` +
          `that keeps failing moves to the dead-letter queue \`${channel}-dlq\` after ` +
          `${QUEUE_DELIVERY.maxReceiveCount} receives. Unread messages are kept ` +
          `${QUEUE_DELIVERY.retentionSeconds / 86_400} days (the channel's SQS binding).`,
        ...VERSIONING_NOTES,
        '- A consumer to start from: examples/consumer in the repository.',
        '',
        'Generated by `npm run docs` from events/subscriptions.ts and the canonical model; do not edit.',
      ].join('\n'),
    },
    defaultContentType: 'application/json',
    servers: {
      aws: {
        host: 'sqs.{region}.amazonaws.com.cn',
        protocol: 'sqs',
        description:
          'Amazon SQS in the China regions, the queue encrypted with KMS; IAM role of the department.',
        variables: { region: { enum: ['cn-northwest-1', 'cn-north-1'], default: 'cn-northwest-1' } },
      },
      local: {
        host: '127.0.0.1:{port}',
        protocol: 'sqs',
        description: 'The local hub (`npm start`): `sqsEndpoint` and `queues` in .local-hub/endpoints.json.',
        variables: { port: { description: 'The SQS port the local hub prints.' } },
      },
    },
    channels: {
      [channel]: {
        address: `residence-data-hub-{stage}-${channel}`,
        title: `${channel} queue`,
        description:
          `The department's SQS queue (standard, not FIFO). The local hub names it \`${channel}\`; its ` +
          `dead-letter queue is \`residence-data-hub-{stage}-${channel}-dlq\` (\`${channel}-dlq\` locally).`,
        parameters: { stage: { description: 'The deployment stage, e.g. prod.' } },
        messages: Object.fromEntries(names.map((name) => [name, { $ref: `#/components/messages/${name}` }])),
        bindings: { sqs: sqsChannelBinding(channel) },
      },
    },
    operations: {
      [`receive${pascal(channel)}`]: {
        action: 'receive',
        channel: { $ref: `#/channels/${channel}` },
        summary: `What the ${channel} department receives from its queue.`,
        messages: names.map((name) => ({ $ref: `#/channels/${channel}/messages/${name}` })),
        bindings: { sqs: { queues: [sqsQueue(channel)], bindingVersion: SQS_BINDING_VERSION } },
      },
    },
    components: {
      messages: Object.fromEntries(
        messages.map((message) => [
          message.detailType,
          messageObject(message, subscription.reasons[message.rule.kind]),
        ]),
      ),
    },
  };
}

/** The department queue's delivery facts (events/delivery.ts), as the AsyncAPI SQS binding states them. */
function sqsQueue(channel: string): JsonObject {
  return {
    name: `residence-data-hub-{stage}-${channel}`,
    fifoQueue: false,
    visibilityTimeout: QUEUE_DELIVERY.visibilityTimeoutSeconds,
    receiveMessageWaitTime: QUEUE_DELIVERY.receiveWaitSeconds,
    messageRetentionPeriod: QUEUE_DELIVERY.retentionSeconds,
    redrivePolicy: {
      deadLetterQueue: { name: `residence-data-hub-{stage}-${channel}-dlq` },
      maxReceiveCount: QUEUE_DELIVERY.maxReceiveCount,
    },
  };
}

function sqsChannelBinding(channel: string): JsonObject {
  return {
    queue: sqsQueue(channel),
    deadLetterQueue: {
      name: `residence-data-hub-{stage}-${channel}-dlq`,
      fifoQueue: false,
      messageRetentionPeriod: QUEUE_DELIVERY.retentionSeconds,
    },
    bindingVersion: SQS_BINDING_VERSION,
  };
}

/** A message of the document; `reason`: why the department receives the kind, where the catalogue says. */
function messageObject({ detailType, rule, schema, sample }: DepartmentMessage, reason?: string): JsonObject {
  const change = parseDetailType(detailType)?.change;
  return {
    name: detailType,
    title: detailType,
    summary: `A ${rule.kind} record was ${change}; the fields ${rule.department} receives.`,
    ...(reason === undefined ? {} : { description: `Why ${rule.department} receives it: ${reason}` }),
    contentType: 'application/json',
    payload: payloadJsonSchema(schema),
    examples: [
      { name: 'sample', summary: 'From the catalogue sample event (invented people)', payload: sample },
    ],
  };
}
