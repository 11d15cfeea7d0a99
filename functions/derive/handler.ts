import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { z } from 'zod';
import { chinaDateOf } from '#domain/dates.ts';
import { SOURCE } from '#events/catalogue.ts';
import { personKeySchema, recordIdSchema } from '#events/payload.ts';
import { logger } from '../runtime/logger.ts';
import { type DeriveDeps, type DeriveOutcome, derivePeople, derivePerson } from './derive-person.ts';
import {
  type EvaluateDeps,
  type EvaluationOptions,
  type EvaluationSummary,
  evaluateDue,
} from './evaluate-due.ts';

/**
 * What the derive function receives: a batch of its queue's messages, each a change event of the hub (the
 * rule on the hub bus sends the whole event to the queue); the daily schedule rule's `Scheduled Event` (its
 * `time` is the run's moment); or a single change event, invoked directly.
 */
const changeEvent = z.looseObject({
  source: z.literal(SOURCE),
  'detail-type': z.string(),
  detail: z.looseObject({ personKey: personKeySchema, recordId: recordIdSchema }),
});

const queueBatch = z.looseObject({
  Records: z
    .array(z.looseObject({ eventSource: z.literal('aws:sqs'), messageId: z.string(), body: z.string() }))
    .min(1),
});
type QueueMessage = z.infer<typeof queueBatch>['Records'][number];

const scheduledEvent = z.looseObject({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
  time: z.iso.datetime({ offset: true }),
});

export type DeriveInvocation = DeriveOutcome | EvaluationSummary | SQSBatchResponse | { ignored: string };

export interface DeriveHandler {
  /**
   * The Lambda entry: a queue batch derives its people (answering with the messages of those that failed),
   * a change event its person; a scheduled event runs the daily evaluation.
   */
  (event: unknown, context?: Context): Promise<DeriveInvocation>;
  /** Derives one person from a change event's detail (the local hub's bus target uses the handler itself). */
  deriveChange(detail: { personKey: string; recordId: string }): Promise<DeriveOutcome>;
  /** The daily evaluation "as of" a day (the local hub's timer and `POST /_local/evaluate`). */
  evaluateDue(options: EvaluationOptions): Promise<EvaluationSummary>;
}

/**
 * The derived services' consumer (README "Derived services"): person profile, permit eligibility and
 * points, kept from the hub's change events and a daily evaluation (the statistics follow the profile items'
 * stream: functions/stats). A batch of queued change events is derived person by person with shared reads;
 * the messages of a person whose derivation failed are reported, so the queue delivers them again (and then
 * to its dead-letter queue); every step is idempotent, so a retry or a redelivery changes nothing twice.
 */
export function createDeriveHandler(deps: EvaluateDeps): DeriveHandler {
  const deriveChange = async (detail: { personKey: string; recordId: string }) => {
    const outcome = await derivePerson(detail.personKey, [detail.recordId], deps);
    logger.info('profile derived', {
      personKey: outcome.personKey,
      version: outcome.version,
      wrote: outcome.wrote,
      events: outcome.events,
    });
    return outcome;
  };
  const deriveBatch = async (messages: readonly QueueMessage[]): Promise<SQSBatchResponse> => {
    const people = new Map<string, { recordIds: string[]; messageIds: string[] }>();
    for (const message of messages) {
      const change = changeEvent.safeParse(parseJson(message.body));
      if (!change.success) {
        // A retry cannot fix a malformed message: note it (no payload) and let it go.
        logger.warn('queued message ignored: not a change event with a person', {
          messageId: message.messageId,
        });
        continue;
      }
      const { personKey, recordId } = change.data.detail;
      const person = people.get(personKey) ?? { recordIds: [], messageIds: [] };
      person.recordIds.push(recordId);
      person.messageIds.push(message.messageId);
      people.set(personKey, person);
    }
    const outcomes = await derivePeople(
      new Map([...people].map(([personKey, person]) => [personKey, person.recordIds])),
      deps,
    );
    const failed: string[] = [];
    let wrote = 0;
    for (const [personKey, outcome] of outcomes) {
      if (outcome.status === 'fulfilled') {
        if (outcome.value.wrote) wrote += 1;
        continue;
      }
      logger.error('derivation failed; its messages come again', {
        personKey,
        error: outcome.reason as Error,
      });
      failed.push(...(people.get(personKey)?.messageIds ?? []));
    }
    logger.info('derivation batch', {
      messages: messages.length,
      people: people.size,
      wrote,
      failed: failed.length,
    });
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
  const evaluate = async (options: EvaluationOptions) => {
    const summary = await evaluateDue(options, deps);
    logger.info('daily eligibility evaluation', { ...summary });
    return summary;
  };
  const handler = async (event: unknown): Promise<DeriveInvocation> => {
    const scheduled = scheduledEvent.safeParse(event);
    if (scheduled.success) return evaluate({ asOf: chinaDateOf(scheduled.data.time) });
    const batch = queueBatch.safeParse(event);
    if (batch.success) return deriveBatch(batch.data.Records);
    const change = changeEvent.safeParse(event);
    if (change.success) return deriveChange(change.data.detail);
    // A retry cannot fix a malformed event: note it (no payload) and drop it.
    logger.warn('event ignored: neither a change event with a person nor a scheduled event', {
      source: (event as { source?: unknown } | null)?.source,
      detailType: (event as { 'detail-type'?: unknown } | null)?.['detail-type'],
    });
    return { ignored: 'not a change event with a personKey, nor a scheduled event' };
  };
  // Every log line of an invocation carries its request id (Powertools' Lambda context).
  const wrapped = middy<unknown, DeriveInvocation>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(handler);
  const entry = (event: unknown, context?: Context) => wrapped(event, context ?? ({} as Context));
  return Object.assign(entry, { deriveChange, evaluateDue: evaluate });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export type { DeriveDeps, DeriveOutcome, EvaluationOptions, EvaluationSummary };
