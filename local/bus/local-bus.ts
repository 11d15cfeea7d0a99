import { randomUUID } from 'node:crypto';
import { entryBytes, MAX_ENTRY_BYTES } from '#events/build.ts';
import type { CompiledInputTransformer } from '#events/compile.ts';
import { compileInputTransformer } from '#events/input-transformer.ts';
import { type CompiledPattern, compilePattern, type EventPattern } from '#events/pattern.ts';
import { PutEventsValidationError } from './errors.ts';

/*
 * The local hub's EventBridge bus: PutEvents in, the full EventBridge event envelope built, every rule whose
 * pattern matches gets its (transformed) input. Per-entry validation follows PutEvents
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html,
 *  https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html): a bad entry gets
 * an ErrorCode (InvalidArgument, MalformedDetail) and the others go through. Entry size is counted as
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html says (Time 14 bytes + UTF-8 bytes
 * of Source, DetailType, Detail, Resources) against 256 KB; unlike AWS, which fails a whole oversized request,
 * the local bus fails the oversized entry alone. More than 10 entries fail the call, as in AWS.
 * Delivery is awaited before putEvents resolves (AWS delivers asynchronously), which keeps tests deterministic;
 * the deliveries of all entries of a call run concurrently, started in entry order (so a target may send
 * them together). A failing target never stops the others and is reported to `onTargetError` (the hub's DLQ).
 */

export interface LocalBusRule {
  name: string;
  eventPattern: EventPattern | string;
  /** Only what events/compile.ts emits (events/input-transformer.ts refuses anything else). */
  inputTransformer?: CompiledInputTransformer | undefined;
  /** Receives the target input: the transformed message, or the whole event as JSON. */
  target: (message: string) => Promise<void>;
}

export interface PutEventsRequestEntry {
  Source?: string | undefined;
  DetailType?: string | undefined;
  Detail?: string | undefined;
  EventBusName?: string | undefined;
  Resources?: readonly string[] | undefined;
  Time?: Date | undefined;
}

export interface PutEventsResultEntry {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

/** The event EventBridge builds from an entry, as rules and targets see it. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: { [key: string]: unknown };
}

export interface TargetFailure {
  ruleName: string;
  event: BusEvent;
  /** The input the target was given; undefined when the input transformation itself failed. */
  message: string | undefined;
  error: unknown;
}

export interface LocalBusOptions {
  rules: readonly LocalBusRule[];
  /** Where failed deliveries go (the hub routes them to a DLQ). Default: a process warning naming rule and event id. */
  onTargetError?: ((failure: TargetFailure) => void | Promise<void>) | undefined;
  /** Default 'default'. */
  busName?: string;
  account?: string;
  region?: string;
  clock?: () => Date;
  newEventId?: () => string;
}

export interface LocalBus {
  readonly name: string;
  readonly arn: string;
  putEvents(entries: readonly PutEventsRequestEntry[]): Promise<PutEventsResult>;
}

export const MAX_ENTRIES_PER_CALL = 10;

interface ReadyRule {
  name: string;
  pattern: CompiledPattern;
  transform: ((event: unknown) => string) | undefined;
  target: (message: string) => Promise<void>;
}

/** Builds the bus; every pattern and transformer is validated here, so a bad rule fails at start-up. */
export function createLocalBus(options: LocalBusOptions): LocalBus {
  const busName = options.busName ?? 'default';
  const account = options.account ?? '000000000000';
  const region = options.region ?? 'cn-north-1';
  const partition = region.startsWith('cn-') ? 'aws-cn' : 'aws';
  const busArn = `arn:${partition}:events:${region}:${account}:event-bus/${busName}`;
  const clock = options.clock ?? (() => new Date());
  const newEventId = options.newEventId ?? randomUUID;
  const onTargetError = options.onTargetError ?? warnTargetFailure;

  const names = new Set<string>();
  const rules: ReadyRule[] = options.rules.map((rule) => {
    if (names.has(rule.name)) throw new PutEventsValidationError(`duplicate rule name ${rule.name}`);
    names.add(rule.name);
    return {
      name: rule.name,
      pattern: compilePattern(rule.eventPattern),
      transform:
        rule.inputTransformer === undefined ? undefined : compileInputTransformer(rule.inputTransformer),
      target: rule.target,
    };
  });

  async function deliver(rule: ReadyRule, event: BusEvent): Promise<void> {
    let message: string | undefined;
    try {
      message = rule.transform === undefined ? JSON.stringify(event) : rule.transform(event);
      await rule.target(message);
    } catch (error) {
      await onTargetError({ ruleName: rule.name, event, message, error });
    }
  }

  return {
    name: busName,
    arn: busArn,
    async putEvents(entries) {
      if (entries.length === 0 || entries.length > MAX_ENTRIES_PER_CALL) {
        throw new PutEventsValidationError(
          `PutEvents takes 1 to ${MAX_ENTRIES_PER_CALL} entries, got ${entries.length}`,
        );
      }
      const results: PutEventsResultEntry[] = [];
      const deliveries: Promise<void>[] = [];
      for (const entry of entries) {
        const checked = checkEntry(entry, busName, busArn);
        if ('ErrorCode' in checked) {
          results.push(checked);
          continue;
        }
        const event: BusEvent = {
          version: '0',
          id: newEventId(),
          'detail-type': entry.DetailType as string,
          source: entry.Source as string,
          account,
          time: eventTime(entry.Time ?? clock()),
          region,
          resources: [...(entry.Resources ?? [])],
          detail: checked.detail,
        };
        for (const rule of rules) if (rule.pattern.matches(event)) deliveries.push(deliver(rule, event));
        results.push({ EventId: event.id });
      }
      const settled = await Promise.allSettled(deliveries);
      const callbackErrors = settled.flatMap((outcome) =>
        outcome.status === 'rejected' ? [outcome.reason] : [],
      );
      if (callbackErrors.length > 0) {
        throw new AggregateError(callbackErrors, 'onTargetError failed while reporting a failed delivery');
      }
      return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
    },
  };
}

type CheckedEntry = { detail: { [key: string]: unknown } } | Required<Omit<PutEventsResultEntry, 'EventId'>>;

function checkEntry(entry: PutEventsRequestEntry, busName: string, busArn: string): CheckedEntry {
  if (entry.EventBusName !== undefined && entry.EventBusName !== busName && entry.EventBusName !== busArn) {
    return invalid('EventBusName', `Event bus ${entry.EventBusName} does not exist.`);
  }
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    const value = entry[field];
    if (typeof value !== 'string' || value === '') return invalid(field, `${field} is a required argument.`);
  }
  if (entryBytes(entry) > MAX_ENTRY_BYTES) {
    return invalid('Entry', `the entry is over ${MAX_ENTRY_BYTES} bytes.`);
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail as string);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  return { detail: detail as { [key: string]: unknown } };
}

function invalid(parameter: string, reason: string): Required<Omit<PutEventsResultEntry, 'EventId'>> {
  return {
    ErrorCode: 'InvalidArgument',
    ErrorMessage: `Parameter ${parameter} is not valid. Reason: ${reason}`,
  };
}

/** EventBridge's event time: ISO 8601, UTC, whole seconds (`2017-12-22T18:43:48Z`). */
function eventTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function warnTargetFailure(failure: TargetFailure): void {
  // Rule name and event id only: the message and the error may carry personal data.
  process.emitWarning(`local bus: delivery of event ${failure.event.id} to rule ${failure.ruleName} failed`, {
    code: 'LOCAL_BUS_TARGET_FAILED',
  });
}
