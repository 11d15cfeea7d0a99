import { z } from 'zod';
import { ELIGIBILITY_CONDITIONS } from '#events/derived.ts';
import { canonicalDate } from '../schemas/canonical.ts';
import { ERROR_CODES, type ErrorCode } from '../schemas/errors.ts';
import type { RecordStatus } from '../schemas/submission.ts';

/*
 * The HTTP API's contract besides the request envelope (submission.ts): the Idempotency-Key header, the
 * 200 body of POST /v1/records and the problem+json body of whole-request failures (RFC 9457). The
 * handlers type-check their bodies against these; the OpenAPI document (docs/openapi.json) is built from them.
 */

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** 1–128 printable ASCII characters; a UUID is a good choice. */
export const idempotencyKey = z
  .string()
  .regex(/^[\x20-\x7E]{1,128}$/)
  .meta({
    description:
      'Optional. Replays the first response to the same key for 24 hours without writing again. ' +
      '1–128 printable ASCII characters, e.g. a UUID. The same key with a different body: 422; ' +
      'while the first request with the key is still running: 409.',
    example: '5f0c8f1e-3b7a-4c1e-9d2a-6f4b8e7d1c20',
  });

/** Response header of a replayed answer (the first answer to the same Idempotency-Key, sent again). */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

export const idempotentReplayed = z.literal('true').meta({
  description: 'Present on a replay: this is the stored first answer to the same Idempotency-Key and body.',
});

export const RECORD_STATUSES = [
  'accepted',
  'unchanged',
  'rejected',
] as const satisfies readonly RecordStatus[];

export const errorCode = z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]).meta({
  description: 'Stable code of a field error (schemas/errors.ts); the message explains it in English.',
});

export const fieldError = z
  .strictObject({
    path: z
      .string()
      .meta({ description: "Where, from the entry: 'data.person.idNumber', 'kind', 'sourceId'." }),
    code: errorCode,
    message: z
      .string()
      .meta({ description: 'What is wrong and what is accepted; never echoes personal data.' }),
  })
  .meta({ description: 'One error of a rejected record.' });

const lateReportFlag = z
  .strictObject({
    code: z.literal('LATE_REPORT'),
    daysLate: z.int().min(1).meta({ description: 'Days after the deadline the fact was reported.' }),
    deadlineDays: z.int().min(0).meta({
      description: "The kind's reporting deadline in days after the fact (configurable, default 3).",
    }),
  })
  .meta({
    description:
      'LATE_REPORT: the record states a move-in, move-out, lease or job start or end reported after the ' +
      'deadline. It is stored all the same and counted against the submitter.',
  });

const eligibilityNotMetFlag = z
  .strictObject({
    code: z.literal('ELIGIBILITY_NOT_MET'),
    missing: z.array(z.enum(ELIGIBILITY_CONDITIONS)).min(1).meta({
      description:
        'The conditions not met on the day of the application (one of employment, housing, schooling suffices).',
    }),
  })
  .meta({
    description:
      'ELIGIBILITY_NOT_MET (permit-application): on the day of the application the hub’s records do not show ' +
      'the applicant eligible (居住证暂行条例 art. 2), and they show no later day on which they will be. ' +
      'The application is stored all the same: the decision is public security’s.',
  });

const eligibleFromFlag = z
  .strictObject({
    code: z.literal('ELIGIBLE_FROM'),
    eligibleFrom: canonicalDate.meta({
      description: 'The first day the known records make the applicant eligible.',
    }),
  })
  .meta({
    description:
      'ELIGIBLE_FROM (permit-application): the applicant is not yet eligible on the day of the application, ' +
      'and will be from this day if nothing changes (six months of residence not yet reached). Stored all the same.',
  });

export const recordFlag = z
  .discriminatedUnion('code', [lateReportFlag, eligibilityNotMetFlag, eligibleFromFlag])
  .meta({
    description: 'Accepted, but worth a look: a late report, or an applicant the rules do not (yet) support.',
  });

export type RecordFlag = z.output<typeof recordFlag>;

export const recordResult = z
  .strictObject({
    index: z.int().min(0).meta({ description: 'Position of the record in the request.' }),
    sourceId: z.string().optional().meta({ description: "The submitter's own id of the record, echoed." }),
    status: z.enum(RECORD_STATUSES).meta({
      description:
        'accepted: stored as a new version (an event follows); unchanged: identical to what is stored ' +
        '(no version, no event); rejected: see errors.',
    }),
    recordId: z
      .string()
      .optional()
      .meta({ description: "The hub's id of the record (stable for the fact)." }),
    version: z.int().min(1).optional().meta({ description: 'The version now stored.' }),
    errors: z.array(fieldError).meta({ description: 'Every error of a rejected record; empty otherwise.' }),
    flags: z.array(recordFlag).optional().meta({
      description:
        'Present only on an accepted record that is worth a look: a late report, an applicant not (yet) eligible.',
    }),
  })
  .meta({ description: 'The outcome of one record.' });

export const submissionResult = z
  .strictObject({
    results: z.array(recordResult).meta({ description: 'One result per record, in request order.' }),
    summary: z.strictObject({
      accepted: z.int().min(0),
      unchanged: z.int().min(0),
      rejected: z.int().min(0),
    }),
  })
  .meta({ description: 'A batch is never all-or-nothing: every record has its own result.' });

export type SubmissionResponse = z.output<typeof submissionResult>;

/** RFC 9457 problem details, as api/problems.ts writes them. */
export const problemDetails = z
  .strictObject({
    type: z
      .string()
      .regex(/^urn:residence-data-hub:problem:[a-z-]+$/)
      .meta({ description: 'urn:residence-data-hub:problem:<code in kebab case>.' }),
    title: z.string(),
    status: z.int().min(400).max(599),
    code: z
      .string()
      .regex(/^[A-Z][A-Z_]*$/)
      .meta({ description: 'Stable machine-readable code.' }),
    detail: z.string().optional(),
    instance: z.string().optional().meta({ description: 'The request path.' }),
    errors: z
      .array(z.strictObject({ path: z.string(), code: z.string(), message: z.string() }))
      .optional()
      .meta({
        description:
          'Field errors of the envelope (INVALID_ENVELOPE); the offending headers (IMPORT_COLUMNS_INVALID), ' +
          'each with its cell (A1, B1, …) as path.',
      }),
    acceptedColumns: z
      .array(z.string())
      .optional()
      .meta({ description: 'IMPORT_COLUMNS_INVALID: every column header the record kind accepts.' }),
  })
  .meta({ description: 'A whole-request failure (RFC 9457), content type application/problem+json.' });

export type ProblemDetails = z.output<typeof problemDetails>;
