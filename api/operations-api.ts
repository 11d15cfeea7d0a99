import { z } from 'zod';
import { DEPARTMENTS } from '#events/subscriptions.ts';
import { ERROR_CODES, type ErrorCode } from '#schemas/errors.ts';
import { RECORD_KINDS } from '#schemas/index.ts';
import { canonicalDate } from '../schemas/canonical.ts';
import { calendarDate } from '../schemas/values/date.ts';
import { DIVISION_LIST_SOURCE, divisionCode } from '../schemas/values/division-code.ts';
import { problemDetails, RECORD_STATUSES } from './http-api.ts';
import { importStatus } from './import-api.ts';

/*
 * The operations read API (functions/operations): what an operator or the leading-group office (领导小组办公室)
 * watches — the flow of records per minute and its rejection codes, who reports late, the imports in progress,
 * each subscriber's queue, and the divisions the statistics drill down through. Aggregates and names of organisations only:
 * no answer here holds an ID number, a phone or a person's name. The console (console/) is one client.
 */

/** The routes of the operations function, as API Gateway's route keys name them. */
export const OPERATIONS_ROUTES = {
  flow: { method: 'GET', path: '/v1/flow' },
  lateReports: { method: 'GET', path: '/v1/late-reports' },
  importActivity: { method: 'GET', path: '/v1/import-activity' },
  subscribers: { method: 'GET', path: '/v1/subscribers' },
  divisions: { method: 'GET', path: '/v1/divisions' },
} as const;

const count = z.int().min(0);

// ---- GET /v1/flow -----------------------------------------------------------------------------------------

/** The longest window `GET /v1/flow` answers: a day of minutes. */
export const MAX_FLOW_MINUTES = 1440;
/** The window when none is asked for: the last hour. */
export const DEFAULT_FLOW_MINUTES = 60;

/** A minute in UTC, `YYYY-MM-DDTHH:MMZ`: the key of the flow counters. */
export const minuteOf = (at: Date | string): string => `${new Date(at).toISOString().slice(0, 16)}Z`;

const minute = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/)
  .meta({ description: 'A minute in UTC, YYYY-MM-DDTHH:MMZ.' });

export const flowQuery = z.strictObject({
  from: z.iso
    .datetime()
    .optional()
    .meta({
      description: `The first minute to include (any ISO UTC time; its minute counts). Default: ${DEFAULT_FLOW_MINUTES - 1} minutes before \`to\`.`,
    }),
  to: z.iso
    .datetime()
    .optional()
    .meta({ description: 'The last minute to include (any ISO UTC time). Default: now.' }),
});

export type FlowQuery = z.output<typeof flowQuery>;

const statusCounts = Object.fromEntries(RECORD_STATUSES.map((status) => [status, count])) as Record<
  (typeof RECORD_STATUSES)[number],
  typeof count
>;

export const flowResponse = z
  .strictObject({
    from: minute,
    to: minute,
    minutes: z
      .array(z.strictObject({ minute, ...statusCounts }))
      .meta({ description: 'Every minute of the window, oldest first; 0 where nothing was submitted.' }),
    totals: z.strictObject(statusCounts).meta({ description: 'The records of the whole window, by status.' }),
    rejectionCodes: z
      .array(
        z.strictObject({
          code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]),
          records: count.meta({
            description: 'Rejected records with this code (a record may have several).',
          }),
          message: z
            .strictObject({ en: z.string(), zh: z.string() })
            .meta({ description: "The catalogue's message (schemas/errors.ts): no record's data." }),
        }),
      )
      .meta({ description: 'The codes of the window, most frequent first.' }),
  })
  .meta({
    description: 'Records per minute by status, as ingest answered them, and why records were rejected.',
  });

export type FlowResponse = z.output<typeof flowResponse>;

// ---- GET /v1/late-reports ---------------------------------------------------------------------------------

/** The longest window of `GET /v1/late-reports`, in days (one read per day). */
export const MAX_LATE_REPORT_DAYS = 92;
export const DEFAULT_LATE_REPORT_DAYS = 7;

export const lateReportsQuery = z.strictObject({
  from: calendarDate.optional().meta({
    description: `The first day (China date, YYYY-MM-DD). Default: ${DEFAULT_LATE_REPORT_DAYS - 1} days before \`to\`.`,
  }),
  to: calendarDate.optional().meta({ description: 'The last day (China date). Default: today.' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: 'Submitters in the answer, most late reports first. Default: 20.' }),
});

export type LateReportsQuery = z.output<typeof lateReportsQuery>;

export const lateReportsResponse = z
  .strictObject({
    from: canonicalDate,
    to: canonicalDate,
    submitters: z.array(
      z.strictObject({
        submitterId: z.string().min(1).meta({ description: 'The organisation or account that reported.' }),
        role: z.string().meta({ description: "The submitter's role (landlord, employer, …)." }),
        lateReports: count.meta({ description: 'Records it reported after their deadline in the window.' }),
        byKind: z
          .partialRecord(z.enum(RECORD_KINDS), count)
          .meta({ description: 'The same, by record kind (kinds without late reports left out).' }),
      }),
    ),
  })
  .meta({
    description:
      'Who reports late (谁出租谁负责): submitters by the number of records they reported after the deadline, ' +
      'counted on the day (China time) each was reported.',
  });

export type LateReportsResponse = z.output<typeof lateReportsResponse>;

// ---- GET /v1/import-activity -----------------------------------------------------------------------------

/** How long a finished import stays in `GET /v1/import-activity`: how the night's load ended. */
export const FINISHED_IMPORTS_HOURS = 24;

export const importActivityResponse = z
  .strictObject({
    at: z.iso.datetime().meta({ description: 'When the imports were read (UTC); the rates are as of then.' }),
    finishedSince: z.iso.datetime().meta({ description: 'Imports that finished since then are listed.' }),
    imports: z
      .array(
        importStatus.omit({ failure: true }).extend({
          submitterId: z.string().min(1).meta({ description: 'The importer (an organisation or account).' }),
          role: z.string().meta({ description: "The importer's role (landlord, employer, …)." }),
          createdAt: z.iso.datetime().meta({ description: 'When the import was asked for.' }),
          failureCode: problemDetails.shape.code.nullable().meta({
            description: 'Why a failed import failed (its problem code); the importer reads the rest.',
          }),
          rowsPerSecond: z.number().min(0).nullable().meta({
            description:
              'Rows with a result per second since it started (until it finished); null before it started.',
          }),
          etaSeconds: count.nullable().meta({
            description:
              'Seconds until every row has a result at that rate; null when not running or not yet known.',
          }),
        }),
      )
      .meta({ description: 'Running first, then queued (oldest first), then finished (latest first).' }),
  })
  .meta({
    description:
      `The imports queued or running, and those finished in the last ${FINISHED_IMPORTS_HOURS} hours, with their ` +
      'progress: counters, rate and expected time left. Importers are named by submitter id; no file name, ' +
      'no row.',
  });

export type ImportActivityResponse = z.output<typeof importActivityResponse>;

// ---- GET /v1/subscribers ----------------------------------------------------------------------------------

export const SUBSCRIBER_STATES = ['ok', 'backlog', 'dead-letters'] as const;
export type SubscriberState = (typeof SUBSCRIBER_STATES)[number];

const queueGauges = z.strictObject({
  messages: count.meta({ description: 'Messages waiting (ApproximateNumberOfMessages).' }),
  inFlight: count.meta({ description: 'Received, not yet deleted (ApproximateNumberOfMessagesNotVisible).' }),
  oldestMessageAgeSeconds: count.nullable().meta({
    description: 'Age of the oldest message (ApproximateAgeOfOldestMessage); null when not known.',
  }),
});

export const subscribersResponse = z
  .strictObject({
    at: z.iso.datetime().meta({ description: 'When the queues were read (UTC).' }),
    subscribers: z.array(
      z.strictObject({
        name: z.string().meta({ description: "The subscriber (today: a department, its queue's name)." }),
        department: z.enum(DEPARTMENTS),
        queue: queueGauges,
        deadLetterQueue: queueGauges.pick({ messages: true }),
        deliveredLastHour: count.nullable().meta({
          description: 'Messages delivered to the queue in the last hour; null when not known.',
        }),
        oldestMessageAlarmSeconds: z.int().min(1).meta({
          description: "The oldest message's age beyond which the subscriber is in backlog (its alarm).",
        }),
        state: z.enum(SUBSCRIBER_STATES).meta({
          description:
            '`dead-letters`: messages in the dead-letter queue; `backlog`: the oldest message is older than ' +
            'the alarm threshold (the consumer stopped or falls behind); `ok` otherwise.',
        }),
      }),
    ),
  })
  .meta({ description: "Each subscriber's queue and dead-letter queue." });

export type SubscribersResponse = z.output<typeof subscribersResponse>;

// ---- GET /v1/divisions ------------------------------------------------------------------------------------

export const divisionsQuery = z.strictObject({
  code: divisionCode.optional().meta({
    description: 'A province, city or county code; its children are listed. Default: the provinces.',
  }),
});

const division = z.strictObject({
  code: z.string().regex(/^\d{6}$/),
  name: z.string().meta({ description: 'The name in the division list (e.g. 西湖区).' }),
  level: z.enum(['province', 'city', 'county']),
});

export const divisionsResponse = z
  .strictObject({
    division: division.nullable().meta({ description: 'The division asked for; null for the whole list.' }),
    children: z
      .array(division)
      .meta({ description: 'Its cities (of a province) or counties (of a city); none for a county.' }),
  })
  .meta({
    description: `The dated division list the statistics count by (${DIVISION_LIST_SOURCE.list}), one level at a time.`,
  });

export type DivisionsResponse = z.output<typeof divisionsResponse>;
