import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { chinaDateOf } from '#domain/dates.ts';
import { SOURCE } from '#events/catalogue.ts';
import { personKeySchema, recordIdSchema } from '#events/payload.ts';
import { logger } from '../runtime/logger.ts';
import { type DeriveDeps, type DeriveOutcome, derivePerson } from './derive-person.ts';
import {
  type EvaluateDeps,
  type EvaluationOptions,
  type EvaluationSummary,
  evaluateDue,
} from './evaluate-due.ts';

/**
 * What the derive function receives: a change event of the hub (the rule on the hub bus passes the whole
 * event), or the daily schedule rule's `Scheduled Event` (its `time` is the run's moment).
 */
const changeEvent = z.looseObject({
  source: z.literal(SOURCE),
  'detail-type': z.string(),
  detail: z.looseObject({ personKey: personKeySchema, recordId: recordIdSchema }),
});

const scheduledEvent = z.looseObject({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
  time: z.iso.datetime({ offset: true }),
});

export type DeriveInvocation = DeriveOutcome | EvaluationSummary | { ignored: string };

export interface DeriveHandler {
  /** The Lambda entry: a change event derives the person; a scheduled event runs the daily evaluation. */
  (event: unknown, context?: Context): Promise<DeriveInvocation>;
  /** Derives one person from a change event's detail (the local hub's bus target uses the handler itself). */
  deriveChange(detail: { personKey: string; recordId: string }): Promise<DeriveOutcome>;
  /** The daily evaluation "as of" a day (the local hub's timer and `POST /_local/evaluate`). */
  evaluateDue(options: EvaluationOptions): Promise<EvaluationSummary>;
}

/**
 * The derived services' consumer (README "Derived services"): person profile, permit eligibility and
 * points, kept from the hub's change events and a daily evaluation (the statistics follow the profile items'
 * stream: functions/stats). A failure throws, so Lambda's asynchronous retries (and then the dead-letter
 * queue) take over; every step is idempotent, so a retry or a redelivery changes nothing twice.
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
  const evaluate = async (options: EvaluationOptions) => {
    const summary = await evaluateDue(options, deps);
    logger.info('daily eligibility evaluation', { ...summary });
    return summary;
  };
  const handler = async (event: unknown): Promise<DeriveInvocation> => {
    const scheduled = scheduledEvent.safeParse(event);
    if (scheduled.success) return evaluate({ asOf: chinaDateOf(scheduled.data.time) });
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

export type { DeriveDeps, DeriveOutcome, EvaluationOptions, EvaluationSummary };
