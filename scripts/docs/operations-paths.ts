import type { oas31, ZodOpenApiPathsObject, ZodOpenApiResponseObject } from 'zod-openapi';
import {
  type DivisionsResponse,
  divisionsQuery,
  divisionsResponse,
  FINISHED_IMPORTS_HOURS,
  flowQuery,
  flowResponse,
  importActivityResponse,
  lateReportsQuery,
  lateReportsResponse,
  MAX_FLOW_MINUTES,
  MAX_LATE_REPORT_DAYS,
  OPERATIONS_ROUTES,
  subscribersResponse,
} from '#api/operations-api.ts';
import type { ProblemCode } from '#api/problems.ts';
import { ERROR_CATALOGUE } from '#schemas/errors.ts';
import { divisionChildren, findDivision } from '#schemas/values/division-code.ts';

/*
 * The operations read API in the OpenAPI document (api/operations-api.ts, functions/operations): what the
 * console and any other operator client read. Examples are parsed by the answers' own schemas.
 */

export const OPERATIONS_PROBLEMS = [
  'INVALID_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'PAYLOAD_TOO_LARGE',
  'THROTTLED',
  'INTERNAL',
] as const satisfies readonly ProblemCode[];

export const DIVISIONS_PROBLEMS = [
  'INVALID_REQUEST',
  'UNAUTHORIZED',
  'PAYLOAD_TOO_LARGE',
  'THROTTLED',
  'INTERNAL',
] as const satisfies readonly ProblemCode[];

const minute = (m: number) => `2026-08-01T09:${String(m).padStart(2, '0')}Z`;

const FLOW_EXAMPLE = flowResponse.parse({
  from: minute(57),
  to: minute(59),
  minutes: [
    { minute: minute(57), accepted: 412, unchanged: 37, rejected: 9 },
    { minute: minute(58), accepted: 398, unchanged: 41, rejected: 4 },
    { minute: minute(59), accepted: 0, unchanged: 0, rejected: 0 },
  ],
  totals: { accepted: 810, unchanged: 78, rejected: 13 },
  rejectionCodes: (
    [
      ['ID_NUMBER_CHECKSUM', 8],
      ['DATE_IN_FUTURE', 3],
      ['PHONE_FORMAT', 2],
    ] as const
  ).map(([code, records]) => ({ code, records, message: { ...ERROR_CATALOGUE[code] } })),
});

const LATE_REPORTS_EXAMPLE = lateReportsResponse.parse({
  from: '2026-07-26',
  to: '2026-08-01',
  submitters: [
    {
      submitterId: 'landlord-wang-fang',
      role: 'landlord',
      lateReports: 5,
      byKind: { 'residence-registration': 3, tenancy: 2 },
    },
    { submitterId: 'employer-xihu-tech', role: 'employer', lateReports: 1, byKind: { employment: 1 } },
  ],
});

const IMPORT_ACTIVITY_EXAMPLE = importActivityResponse.parse({
  at: '2026-08-01T09:59:30.000Z',
  finishedSince: '2026-07-31T09:59:30.000Z',
  imports: [
    {
      importId: '5c0e9a52-7b1d-4f43-9a57-2f6d1c3e8b10',
      kind: 'residence-registration',
      submitterId: 'police-station-xihu',
      role: 'department',
      status: 'running',
      total: 182_000,
      processed: 120_500,
      accepted: 118_020,
      unchanged: 1_950,
      rejected: 530,
      createdAt: '2026-08-01T09:20:02.000Z',
      startedAt: '2026-08-01T09:20:10.000Z',
      finishedAt: null,
      failureCode: null,
      rowsPerSecond: 51.2,
      etaSeconds: 1202,
    },
    {
      importId: '0b7f3c1e-52a4-4d0e-8c1f-93a7e6d2b4c5',
      kind: 'tenancy',
      submitterId: 'agency-lvcheng',
      role: 'agency',
      status: 'done',
      total: 4_200,
      processed: 4_200,
      accepted: 4_151,
      unchanged: 0,
      rejected: 49,
      createdAt: '2026-08-01T01:02:00.000Z',
      startedAt: '2026-08-01T01:02:05.000Z',
      finishedAt: '2026-08-01T01:03:30.000Z',
      failureCode: null,
      rowsPerSecond: 49.4,
      etaSeconds: null,
    },
  ],
});

const queue = (messages: number, oldest: number | null) => ({
  messages,
  inFlight: 0,
  oldestMessageAgeSeconds: oldest,
});

const SUBSCRIBERS_EXAMPLE = subscribersResponse.parse({
  at: '2026-08-01T09:59:30.000Z',
  subscribers: [
    {
      name: 'public-security',
      department: 'public-security',
      queue: queue(12, 4),
      deadLetterQueue: { messages: 0 },
      deliveredLastHour: 5210,
      oldestMessageAlarmSeconds: 3600,
      state: 'ok',
    },
    {
      name: 'health',
      department: 'health',
      queue: queue(48_211, 15_040),
      deadLetterQueue: { messages: 0 },
      deliveredLastHour: 4890,
      oldestMessageAlarmSeconds: 3600,
      state: 'backlog',
    },
  ],
});

const brief = (code: string) => {
  const division = findDivision(code);
  if (division === undefined) throw new Error(`not in the division list: ${code}`);
  return { code: division.code, name: division.name, level: division.level };
};

const DIVISIONS_EXAMPLE: DivisionsResponse = divisionsResponse.parse({
  division: brief('330100'),
  children: divisionChildren('330100').map(({ code }) => brief(code)),
});

/** What the document's builder (openapi.ts) shares with these paths. */
export interface OperationsDocumentParts {
  problems: (codes: readonly ProblemCode[], path: string) => Record<string, ZodOpenApiResponseObject>;
  noStore: ZodOpenApiResponseObject['headers'];
  /** Role `department`, by bearer JWT or SigV4, as the department read API. */
  security: oas31.SecurityRequirementObject[];
}

export function operationsPaths({
  problems,
  noStore,
  security,
}: OperationsDocumentParts): ZodOpenApiPathsObject {
  const ok = (
    description: string,
    schema: unknown,
    example: unknown,
  ): Record<string, ZodOpenApiResponseObject> => ({
    '200': {
      description,
      headers: noStore,
      content: { 'application/json': { schema: schema as never, examples: { example: { value: example } } } },
    },
  });
  const { flow, lateReports, importActivity, subscribers, divisions } = OPERATIONS_ROUTES;
  return {
    [flow.path]: {
      get: {
        operationId: 'flow',
        summary: 'Records per minute by status, and the rejection codes',
        description:
          'For any caller with role `department` (aggregates only). Every minute of the window (default the ' +
          `last hour, at most ${MAX_FLOW_MINUTES} minutes) with the records ingest answered accepted, unchanged ` +
          'and rejected, and the error codes of the rejected ones, most frequent first, with the catalogue’s ' +
          'English and Chinese messages. Counted once per answered batch in sharded per-minute counters.',
        security,
        requestParams: { query: flowQuery },
        responses: {
          ...ok('The window, minute by minute.', flowResponse, FLOW_EXAMPLE),
          ...problems(OPERATIONS_PROBLEMS, flow.path),
        },
      },
    },
    [lateReports.path]: {
      get: {
        operationId: 'lateReports',
        summary: 'Who reports late (谁出租谁负责)',
        description:
          'For role `department` with an audit right (claim `audit`): it names submitters. Submitters by the ' +
          `number of records they reported after the deadline, over at most ${MAX_LATE_REPORT_DAYS} days ` +
          '(default the last 7, China dates), read from a per-day index.',
        security,
        requestParams: { query: lateReportsQuery },
        responses: {
          ...ok(
            'The late reporters of the window, most late reports first.',
            lateReportsResponse,
            LATE_REPORTS_EXAMPLE,
          ),
          ...problems(OPERATIONS_PROBLEMS, lateReports.path),
        },
      },
    },
    [importActivity.path]: {
      get: {
        operationId: 'importActivity',
        summary: 'The imports in progress, and those finished in the last day',
        description:
          'For role `department` with an audit right (claim `audit`): it names importers, of every submitter. ' +
          'The imports queued or running, and those finished in the last ' +
          `${FINISHED_IMPORTS_HOURS} hours, each with its counters, rows per second since it started and the ` +
          'seconds left at that rate. Read from a keys-only index of the imports table (imports active, ' +
          'finished by day): a few Queries and one BatchGetItem per 100 imports, never a scan.',
        security,
        requestParams: {},
        responses: {
          ...ok(
            'Running, then queued, then finished imports.',
            importActivityResponse,
            IMPORT_ACTIVITY_EXAMPLE,
          ),
          ...problems(OPERATIONS_PROBLEMS, importActivity.path),
        },
      },
    },
    [subscribers.path]: {
      get: {
        operationId: 'subscribers',
        summary: "Each subscriber's queue, dead letters and state",
        description:
          "For role `department` with an audit right: `audit: true` sees its own department's subscribers, " +
          '`audit: "all"` every subscriber (the leading-group office). Depths from SQS; the oldest message\'s ' +
          'age and the deliveries of the last hour from CloudWatch (on the local hub: the emulator and the ' +
          'local bus). A subscriber is `backlog` when its oldest message is older than its alarm threshold.',
        security,
        requestParams: {},
        responses: {
          ...ok('Every subscriber the caller may watch.', subscribersResponse, SUBSCRIBERS_EXAMPLE),
          ...problems(OPERATIONS_PROBLEMS, subscribers.path),
        },
      },
    },
    [divisions.path]: {
      get: {
        operationId: 'divisions',
        summary: 'One level of the division list the statistics count by',
        description:
          'For any authenticated caller (public reference data): the provinces, a province’s cities or a ' +
          'city’s counties of the NBS 2023 statistical division list, for drilling down GET /v1/stats.',
        requestParams: { query: divisionsQuery },
        responses: {
          ...ok('The division and its children.', divisionsResponse, DIVISIONS_EXAMPLE),
          ...problems(DIVISIONS_PROBLEMS, divisions.path),
        },
      },
    },
  };
}
