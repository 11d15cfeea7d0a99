import { z } from 'zod';
import { calendarDate } from '../schemas/values/date.ts';

/*
 * The delivery log (the audit right over what was delivered to whom): `GET /v1/deliveries` and
 * `hub deliveries`. Per subscriber, day (China time) and event type, how many events each path carried.
 */

export const DELIVERY_OUTCOMES = ['delivered', 'deadLettered', 'redriven', 'backfilled', 'replayed'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

const count = z.int().min(0);

export const deliveriesQuery = z.strictObject({
  subscriber: z
    .string()
    .regex(/^[a-z-]+(@\d+(\+\d+)*)?$/)
    .meta({ description: 'A subscriber: `public-security`, or an office such as `public-security@3301`.' }),
  from: calendarDate.meta({ description: 'The first day (China time), YYYY-MM-DD.' }),
  to: calendarDate.optional().meta({ description: 'The last day, included. Default: `from`.' }),
});

export type DeliveriesQuery = z.output<typeof deliveriesQuery>;

export const deliveryRow = z
  .strictObject({
    day: calendarDate.meta({ description: 'The day, China time.' }),
    eventType: z.string().meta({
      description:
        'The detail-type (`ResidenceRegistration.Created`); `<Kind>.*` where the count comes from a per-rule ' +
        'metric (deliveries on AWS).',
    }),
    ...Object.fromEntries(DELIVERY_OUTCOMES.map((outcome) => [outcome, count])),
  } as { day: typeof calendarDate; eventType: z.ZodString } & Record<DeliveryOutcome, typeof count>)
  .meta({ description: 'How many events of one type reached the subscriber on one day, by path.' });

export type DeliveryRow = z.output<typeof deliveryRow>;

export const deliveriesResponse = z
  .strictObject({
    subscriber: z.string(),
    from: calendarDate,
    to: calendarDate,
    days: z
      .array(deliveryRow)
      .meta({ description: 'By day, then event type; days without events are absent.' }),
    totals: z.strictObject(
      Object.fromEntries(DELIVERY_OUTCOMES.map((outcome) => [outcome, count])) as Record<
        DeliveryOutcome,
        typeof count
      >,
    ),
  })
  .meta({ description: "A subscriber's delivery log over a range of days." });

export type DeliveriesResponse = z.output<typeof deliveriesResponse>;

/** An empty row's counts. */
export const noDeliveries = (): Record<DeliveryOutcome, number> =>
  Object.fromEntries(DELIVERY_OUTCOMES.map((outcome) => [outcome, 0])) as Record<DeliveryOutcome, number>;
