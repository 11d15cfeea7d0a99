import type { Message } from '@aws-sdk/client-sqs';
import { type CompiledRule, projectFor, type RoutedEvent } from '#events/index.ts';

/*
 * A subscriber's dead-letter queue holds two kinds of message:
 * - the bus could not deliver (EventBridge's target DLQ): the ORIGINAL event, whole detail included, with
 *   the attributes ERROR_CODE, ERROR_MESSAGE, RULE_ARN, TARGET_ARN;
 * - the consumer failed it maxReceiveCount times (the queue's redrive policy): the projected message.
 * Moving the first kind back unchanged would hand the subscriber the whole detail, past its projection: a
 * redrive projects it with the subscriber's rules first (which is why `hub redrive` moves messages itself
 * rather than with StartMessageMoveTask, which moves bodies as they are).
 */

export interface DeadLetter {
  /** `bus` (delivery failed) or `consumer` (received past maxReceiveCount). */
  cause: 'bus' | 'consumer';
  /** ERROR_CODE of a bus failure, or `maxReceiveCount`. */
  reason: string;
  eventType: string;
  recordId: string;
  version: number | undefined;
  /** Receives before this listing (the listing's own receive, which SQS counts too, left out). */
  receiveCount: number;
  /** When it first failed: sent to the DLQ (bus), or first received (consumer). */
  firstFailureAt: string;
}

const attribute = (message: Message, name: string): string | undefined =>
  message.MessageAttributes?.[name]?.StringValue;

const isBusFailure = (message: Message): boolean => attribute(message, 'ERROR_CODE') !== undefined;

export function describeDeadLetter(message: Message): DeadLetter {
  const body = parse(message.Body);
  const system = message.Attributes ?? {};
  const receiveCount = Math.max(0, Number(system.ApproximateReceiveCount ?? 1) - 1);
  const millis = (name: string) => new Date(Number(system[name as keyof typeof system] ?? 0)).toISOString();
  if (isBusFailure(message)) {
    const detail = (body.detail ?? {}) as Record<string, unknown>;
    return {
      cause: 'bus',
      reason: attribute(message, 'ERROR_CODE') ?? '',
      eventType: String(body['detail-type'] ?? ''),
      recordId: String(detail.recordId ?? ''),
      version: typeof detail.version === 'number' ? detail.version : undefined,
      receiveCount,
      firstFailureAt: millis('SentTimestamp'),
    };
  }
  return {
    cause: 'consumer',
    reason: 'maxReceiveCount',
    eventType: String(body.type ?? ''),
    recordId: String(body.recordId ?? ''),
    version: typeof body.version === 'number' ? body.version : undefined,
    receiveCount,
    firstFailureAt: millis('ApproximateFirstReceiveTimestamp'),
  };
}

/** The message to put back on the subscriber's queue; undefined when its rules no longer take it. */
export function redriveBody(message: Message, rules: readonly CompiledRule[]): string | undefined {
  if (!isBusFailure(message)) return message.Body;
  return projectFor(rules, parse(message.Body) as RoutedEvent);
}

/** A record id for printing: its kind and the first characters of its hash. */
export const maskRecordId = (recordId: string): string => {
  const separator = recordId.indexOf(':');
  return separator < 0 ? `${recordId.slice(0, 6)}…` : `${recordId.slice(0, separator + 7)}…`;
};

function parse(body: string | undefined): Record<string, unknown> {
  try {
    const parsed = JSON.parse(body ?? '');
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}
