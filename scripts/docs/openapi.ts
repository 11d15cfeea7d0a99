import { z } from 'zod';
import { createDocument, type oas31, type ZodOpenApiResponseObject } from 'zod-openapi';
import { deliveriesQuery, deliveriesResponse } from '#api/deliveries-api.ts';
import { GATEWAY_RESPONSES, type GatewayStatus, gatewayMessage } from '#api/gateway-responses.ts';
import {
  errorCode,
  fieldError,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  idempotencyKey,
  idempotentReplayed,
  problemDetails,
  recordResult,
  submissionResult,
} from '#api/http-api.ts';
import {
  CSV_CONTENT_TYPE,
  ERROR_REPORT_COLUMNS,
  IMPORT_ROUTES,
  importAccepted,
  importParameters,
  importStatus,
  importUpload,
  importUploadRequest,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  XLSX_CONTENT_TYPE,
} from '#api/import-api.ts';
import {
  divisionsQuery,
  divisionsResponse,
  flowResponse,
  importActivityResponse,
  lateReportsResponse,
  subscribersResponse,
} from '#api/operations-api.ts';
import { PROBLEMS, type ProblemCode, ProblemError, problemResponse } from '#api/problems.ts';
import {
  auditEntry,
  auditQuery,
  auditTrailResponse,
  divisionStatsResponse,
  eligibilityView,
  permitVerificationRequest,
  permitVerificationResponse,
  personLookupRequest,
  personLookupResponse,
  pointsView,
  profileView,
  QUERY_ROUTES,
  statsQuery,
} from '#api/query-api.ts';
import { DEPARTMENTS, SAMPLE_RECORDS } from '#events/index.ts';
import { type FieldError, toFieldErrors } from '#schemas/errors.ts';
import { RECORD_KINDS, type RecordKind } from '#schemas/index.ts';
import { inputJsonSchema } from '#schemas/json-schema.ts';
import { MAX_SUBMISSION_BYTES, recordEntry, submissionEnvelope } from '#schemas/submission.ts';
import { STAGES } from '../../infra/config.ts';
import { CONTRACT_VERSION } from './contract-version.ts';
import { DIVISIONS_PROBLEMS, OPERATIONS_PROBLEMS, operationsPaths } from './operations-paths.ts';
import {
  EXAMPLE_LOOKUP_REQUESTS,
  EXAMPLE_VERIFY_REQUESTS,
  exampleAuditTrail,
  exampleDeliveries,
  exampleLookup,
  exampleStats,
  exampleVerifications,
} from './query-examples.ts';

/*
 * The OpenAPI 3.1 document of the HTTP API, built with zod-openapi from the schemas the handlers use: the
 * envelope (schemas/submission.ts), each kind's input JSON Schema (schemas/json-schema.ts), the response and
 * problem bodies (api/http-api.ts), the department read API's requests and answers (api/query-api.ts,
 * examples built by derive/ in query-examples.ts) and the problem catalogue (api/problems.ts), so a
 * change to any of them changes the document (and the drift test fails until `npm run docs` is run).
 */

export const OPENAPI_VERSION = '3.1.0';
const RECORDS_PATH = '/v1/records';
const LOOKUP_PATH = QUERY_ROUTES.lookup.path;
const VERIFY_PATH = QUERY_ROUTES.verify.path;
const STATS_PATH = QUERY_ROUTES.stats.path;
const AUDIT_PATH = QUERY_ROUTES.audit.path;
const DELIVERIES_PATH = QUERY_ROUTES.deliveries.path;

/**
 * The whole-request failures of POST /v1/records (the catalogue also holds other routes' codes, and routing's
 * NOT_FOUND and METHOD_NOT_ALLOWED). Add a code here when the ingest chain starts to answer it.
 */
export const RECORDS_PROBLEMS = [
  'MALFORMED_JSON',
  'INVALID_ENVELOPE',
  'NESTING_TOO_DEEP',
  'BODY_NOT_DECODABLE',
  'INVALID_IDEMPOTENCY_KEY',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'IDEMPOTENCY_IN_FLIGHT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNSUPPORTED_CHARSET',
  'IDEMPOTENCY_KEY_REUSED',
  'THROTTLED',
  'INTERNAL',
] as const satisfies readonly ProblemCode[];

// The failures of the query function's chain (functions/query/handler.ts): the caller (401), the body's size,
// charset and nesting (its POST only), the request's schema (400), the department checks (403), the look-up's miss (404).
export const LOOKUP_PROBLEMS = [
  'MALFORMED_JSON',
  'NESTING_TOO_DEEP',
  'BODY_NOT_DECODABLE',
  'INVALID_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNSUPPORTED_CHARSET',
  'THROTTLED',
  'INTERNAL',
] as const satisfies readonly ProblemCode[];

// The same chain as the look-up's; a person or number nobody knows is an answer (`none`), not a 404.
export const VERIFY_PROBLEMS = LOOKUP_PROBLEMS.filter(
  (code) => code !== 'NOT_FOUND',
) satisfies readonly ProblemCode[];

export const STATS_PROBLEMS = [
  'INVALID_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'THROTTLED',
  'INTERNAL',
] as const satisfies readonly ProblemCode[];

export const AUDIT_PROBLEMS = STATS_PROBLEMS;
export const DELIVERIES_PROBLEMS = STATS_PROBLEMS;

// The imports function (functions/imports): the file and its header row are checked before anything is stored.
export const START_IMPORT_PROBLEMS = [
  'MALFORMED_JSON',
  'INVALID_REQUEST',
  'FILE_EMPTY',
  'FILE_TYPE_MISMATCH',
  'FILE_ENCRYPTED',
  'FILE_CORRUPT',
  'FILE_ENCODING',
  'SHEET_NOT_FOUND',
  'IMPORT_COLUMNS_INVALID',
  'INVALID_IDEMPOTENCY_KEY',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'PAYLOAD_TOO_LARGE',
  'TOO_MANY_ROWS',
  'UNSUPPORTED_MEDIA_TYPE',
  'IDEMPOTENCY_KEY_REUSED',
  'THROTTLED',
  'INTERNAL',
] as const satisfies readonly ProblemCode[];

export const IMPORT_STATUS_PROBLEMS = [
  'UNAUTHORIZED',
  'NOT_FOUND',
  'THROTTLED',
  'INTERNAL',
] as const satisfies readonly ProblemCode[];

export const IMPORT_ERRORS_PROBLEMS = [
  'UNAUTHORIZED',
  'NOT_FOUND',
  'IMPORT_NOT_FINISHED',
  'THROTTLED',
  'INTERNAL',
] as const satisfies readonly ProblemCode[];

/** Each operation's problem codes, by operationId. */
export const OPERATION_PROBLEMS = {
  submitRecords: RECORDS_PROBLEMS,
  lookupPerson: LOOKUP_PROBLEMS,
  verifyPermit: VERIFY_PROBLEMS,
  divisionStats: STATS_PROBLEMS,
  auditTrail: AUDIT_PROBLEMS,
  flow: OPERATIONS_PROBLEMS,
  lateReports: OPERATIONS_PROBLEMS,
  importActivity: OPERATIONS_PROBLEMS,
  subscribers: OPERATIONS_PROBLEMS,
  divisions: DIVISIONS_PROBLEMS,
  startImport: START_IMPORT_PROBLEMS,
  importStatus: IMPORT_STATUS_PROBLEMS,
  importErrors: IMPORT_ERRORS_PROBLEMS,
  deliveryLog: DELIVERIES_PROBLEMS,
} as const;

const pascal = (kind: string) =>
  kind
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

const inputComponentOf = (kind: RecordKind) => `${pascal(kind)}Input`;

// Placeholders the override below turns into references to raw JSON Schema components (zod cannot hold them).
const REFERENCES = new Map<unknown, string>([[submissionEnvelope.shape.records.element, 'RecordEntry']]);

const entrySchemas = RECORD_KINDS.map((kind) => {
  const data = z.looseObject({});
  REFERENCES.set(data, inputComponentOf(kind));
  return recordEntry.extend({ kind: z.literal(kind), data }).meta({
    description: `A ${kind} record: \`data\` in canonical names or the Chinese labels of its x-aliases.`,
  });
});

const submissionRequest = submissionEnvelope.meta({
  description: 'A batch of 1 to 500 records; each is checked and stored on its own.',
});

const recordEntryUnion = z.discriminatedUnion(
  'kind',
  entrySchemas as unknown as [z.ZodObject, ...z.ZodObject[]],
);

/**
 * Each kind's input schema as a component, and its `$defs` (enumerations shared by name across kinds, nested
 * objects named after their kind) as components of their own, its references rewritten to them.
 */
function inputSchemaComponents(): Record<string, unknown> {
  const components: Record<string, unknown> = {};
  for (const kind of RECORD_KINDS) {
    const { $schema: _dialect, $defs, ...schema } = inputJsonSchema(kind);
    const named = { [inputComponentOf(kind)]: schema, ...($defs as Record<string, unknown>) };
    for (const [name, component] of Object.entries(named)) {
      components[name] = JSON.parse(
        JSON.stringify(component).replaceAll('"#/$defs/', '"#/components/schemas/'),
      ) as unknown;
    }
  }
  return components;
}

type ProblemExamples = Partial<Record<ProblemCode, ProblemError>>;

const RECORDS_EXAMPLES: ProblemExamples = {
  INVALID_ENVELOPE: new ProblemError(
    'INVALID_ENVELOPE',
    'Send { "records": [ 1 to 500 records ] } and nothing else.',
    [{ path: 'records', code: 'VALUE_OUT_OF_RANGE', message: 'The value (or its length) is outside …' }],
  ),
};

function problemExample(code: ProblemCode, path: string, examples: ProblemExamples): unknown {
  const problem = examples[code] ?? new ProblemError(code);
  return problemDetails.parse(JSON.parse(problemResponse(problem, path).body ?? '{}'));
}

/** API Gateway's own answers on every route (api/gateway-responses.ts); 413 only where a body is sent. */
const GATEWAY_STATUSES_WITH_BODY: readonly GatewayStatus[] = [401, 403, 413, 429, 500, 503];
const GATEWAY_STATUSES_WITHOUT_BODY: readonly GatewayStatus[] = [401, 403, 429, 500, 503];

const RETRY_AFTER = z.object({
  'Retry-After': z.string().meta({
    description:
      "Seconds to wait before retrying: sent with the hub's own 429 (`THROTTLED`, problem+json); " +
      "API Gateway's 429 (application/json) carries none, so back off exponentially then.",
    example: '1',
  }),
});

/**
 * One response per HTTP status of `codes`, its `code` narrowed to the codes of that status, and API Gateway's
 * own answer (application/json, not problem+json) beside it for the statuses the gateway produces itself.
 */
function problemResponses(
  codes: readonly ProblemCode[],
  path: string,
  examples: ProblemExamples = {},
  gatewayStatuses: readonly GatewayStatus[] = GATEWAY_STATUSES_WITH_BODY,
): Record<string, ZodOpenApiResponseObject> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) {
    const { status } = PROBLEMS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const status of gatewayStatuses) if (!byStatus.has(status)) byStatus.set(status, []);
  const statuses = [...byStatus.keys()].sort((a, b) => a - b);
  return Object.fromEntries(
    statuses.map((status) => {
      const hubCodes = byStatus.get(status) ?? [];
      const gateway = (gatewayStatuses as readonly number[]).includes(status)
        ? GATEWAY_RESPONSES[status as GatewayStatus]
        : undefined;
      const description = [
        ...hubCodes.map((code) => `\`${code}\`: ${PROBLEMS[code].title}`),
        ...(gateway ? [`API Gateway (application/json): ${gateway.when}.`] : []),
      ].join(' ');
      const response: ZodOpenApiResponseObject = {
        description,
        ...(status === 429 || status === 503 ? { headers: RETRY_AFTER.partial() } : {}),
        content: {
          ...(hubCodes.length === 0
            ? {}
            : {
                'application/problem+json': {
                  schema: problemDetails.extend({
                    status: z.literal(status),
                    code: z.enum(hubCodes as [ProblemCode, ...ProblemCode[]]),
                  }),
                  examples: Object.fromEntries(
                    hubCodes.map((code) => [code, { value: problemExample(code, path, examples) }]),
                  ),
                },
              }),
          ...(gateway === undefined
            ? {}
            : {
                'application/json': {
                  schema: gatewayMessage,
                  examples: { gateway: { value: { message: gateway.message } } },
                },
              }),
        },
      };
      return [String(status), response];
    }),
  );
}

/** A request the query handlers refuse, with the field errors they answer (functions/http/request-body.ts). */
function invalidRequest(schema: z.ZodType, input: unknown, hint: string): ProblemError {
  const parsed = schema.safeParse(input);
  const errors: FieldError[] = parsed.success ? [] : toFieldErrors(parsed.error, { input });
  return new ProblemError('INVALID_REQUEST', hint, errors);
}

/** What the department checks of functions/http/department-caller.ts answer (a test holds them equal). */
export const DEPARTMENT_REFUSALS = {
  unnamed: new ProblemError(
    'FORBIDDEN',
    'The token must name the department the caller acts for (claim "department").',
  ),
  notDepartment: new ProblemError(
    'FORBIDDEN',
    'Only department callers (role "department") may use this resource.',
  ),
} as const;

const LOOKUP_EXAMPLES: ProblemExamples = {
  INVALID_REQUEST: invalidRequest(
    personLookupRequest,
    { idNumber: '330106199003071235' },
    'Send { "idNumber": "<18-character resident ID>" } and optionally "asOf": "YYYY-MM-DD".',
  ),
  FORBIDDEN: DEPARTMENT_REFUSALS.unnamed,
  NOT_FOUND: new ProblemError('NOT_FOUND', 'No person with this ID number is registered with the hub.'),
};

const VERIFY_EXAMPLES: ProblemExamples = {
  INVALID_REQUEST: invalidRequest(
    permitVerificationRequest,
    { idNumber: EXAMPLE_LOOKUP_REQUESTS.asOf.idNumber, permitNumber: 'ZJ3301062026000123' },
    'Send { "idNumber": "<resident ID>" } or { "permitNumber": "<permit number>" }, optionally "asOf": "YYYY-MM-DD".',
  ),
  FORBIDDEN: DEPARTMENT_REFUSALS.unnamed,
};

const STATS_EXAMPLES: ProblemExamples = {
  INVALID_REQUEST: invalidRequest(
    statsQuery,
    { division: '330199' },
    'Send ?division=<6-digit province, city or county code> and optionally &asOf=YYYY-MM-DD.',
  ),
  FORBIDDEN: DEPARTMENT_REFUSALS.notDepartment,
};

const AUDIT_EXAMPLES: ProblemExamples = {
  INVALID_REQUEST: invalidRequest(
    auditQuery,
    { limit: '5000' },
    'Send ?from=YYYY-MM-DD (or an ISO time), optionally &to=, &department=, &limit=1..1000, &cursor=.',
  ),
  FORBIDDEN: new ProblemError('FORBIDDEN', 'Reading the audit trail needs an audit right (claim "audit").'),
};

const IMPORT_ID = '5a4b8d1e-2f6c-4e3a-9b7d-0c1e2f3a4b5c';

const IMPORT_EXAMPLES: ProblemExamples = {
  IMPORT_COLUMNS_INVALID: new ProblemError(
    'IMPORT_COLUMNS_INVALID',
    'Nothing was imported. Offending headers: "居住证号". 1 required field(s) without a column. acceptedColumns lists every header this kind accepts.',
    [
      {
        path: 'C1',
        code: 'COLUMN_UNKNOWN',
        message: 'Column C "居住证号" is not a field of residence-registration.',
      },
      {
        path: '',
        code: 'COLUMN_MISSING',
        message:
          'No column gives movedInOn, which residence-registration requires; name it by one of: movedInOn, 入住日期, 来本地日期, 来本地时间, 居住起始日期.',
      },
    ],
    {
      acceptedColumns: [
        'person.idNumber',
        '公民身份号码',
        '身份证号',
        '姓名',
        '居住地址',
        '居住类型',
        '入住日期',
        '…',
      ],
    },
  ),
  FILE_ENCRYPTED: new ProblemError(
    'FILE_ENCRYPTED',
    'The workbook is password-protected (or an old .xls): save it as .xlsx without a password.',
  ),
};

const EXAMPLE_STATUS = importStatus.parse({
  importId: IMPORT_ID,
  kind: 'residence-registration',
  status: 'running',
  total: 120_000,
  processed: 43_500,
  accepted: 42_871,
  unchanged: 402,
  rejected: 227,
  startedAt: '2026-11-26T02:00:03.120Z',
  finishedAt: null,
});

const EXAMPLE_REPORT = [
  `\uFEFF${ERROR_REPORT_COLUMNS.join(',')}`,
  '17,公民身份号码,person.idNumber,ID_NUMBER_CHECKSUM,Resident ID number fails the GB 11643 check character; check for a mistyped digit. Received: 3301**********1235.,公民身份号码校验码错误（GB 11643），请检查是否有数字输错。',
  '17,入住日期,movedInOn,DATE_INVALID,Date does not exist in the calendar (for example 30 February); expected a real date between 1900-01-01 and 2199-12-31. Received: 2024-02-30.,日期不存在（例如2月30日）；应为1900-01-01至2199-12-31之间的真实日期。',
  '',
].join('\n');

const DELIVERIES_EXAMPLES: ProblemExamples = {
  INVALID_REQUEST: invalidRequest(
    deliveriesQuery,
    { subscriber: 'public-security@3301' },
    'Send ?subscriber=<department>[@<division prefix>]&from=YYYY-MM-DD, optionally &to=YYYY-MM-DD.',
  ),
  FORBIDDEN: new ProblemError('FORBIDDEN', 'Reading the delivery log needs an audit right (claim "audit").'),
};

/** The department read API: bearer JWT or SigV4 like submissions, for the role `department` only. */
const DEPARTMENT_SECURITY: oas31.SecurityRequirementObject[] = [
  { bearerJwt: ['department'] },
  { sigv4: ['department'] },
];

/** Examples of request fields (body and query parameters). */
const FIELD_EXAMPLES = new Map<unknown, unknown[]>([
  [personLookupRequest.shape.idNumber, [EXAMPLE_LOOKUP_REQUESTS.asOf.idNumber]],
  [personLookupRequest.shape.asOf, [EXAMPLE_LOOKUP_REQUESTS.asOf.asOf]],
  [permitVerificationRequest.shape.permitNumber, [EXAMPLE_VERIFY_REQUESTS.byPermitNumber.permitNumber]],
  [statsQuery.shape.division, ['330106']],
  [statsQuery.shape.asOf, [EXAMPLE_LOOKUP_REQUESTS.asOf.asOf]],
  [auditQuery.shape.department, ['health']],
  [auditQuery.shape.from, ['2026-08-01']],
  [auditQuery.shape.limit, [100]],
  [deliveriesQuery.shape.subscriber, ['public-security@3301']],
  [deliveriesQuery.shape.from, ['2026-11-01']],
  [deliveriesQuery.shape.to, ['2026-11-30']],
]);

// Rendered where used, as input only (a component listed below would be rendered as output too, which its
// transforms cannot be).
const lookupRequest = personLookupRequest.meta({ id: 'PersonLookupRequest' });
const verifyRequest = permitVerificationRequest.meta({ id: 'PermitVerificationRequest' });

/** The optional Idempotency-Key request header, and the header that marks a replayed answer. */
const IDEMPOTENCY_KEY_PARAMETER = z.object({
  [IDEMPOTENCY_KEY_HEADER]: idempotencyKey.optional().meta({ description: idempotencyKey.description }),
});
const REPLAYED_HEADERS = z.object({
  [IDEMPOTENT_REPLAYED_HEADER]: idempotentReplayed
    .optional()
    .meta({ description: idempotentReplayed.description }),
});

const NO_STORE = z.object({
  'Cache-Control': z.literal('no-store').meta({ description: 'Answers are never cached.' }),
});

/** Every problem code of the hub's HTTP API with its status and title (api/problems.ts). */
function problemCodeCatalogue(): Record<string, unknown> {
  const codes = Object.keys(PROBLEMS) as ProblemCode[];
  return {
    type: 'string',
    enum: codes,
    description: `Every problem code of the API: ${codes
      .map((code) => `\`${code}\` ${PROBLEMS[code].status} (${PROBLEMS[code].title})`)
      .join('; ')}.`,
  };
}

const SUCCESS_EXAMPLE = submissionResult.parse({
  results: [
    {
      index: 0,
      sourceId: 'L-0001',
      status: 'accepted',
      recordId: 'residence-registration:Q2hhbmdlRXZlbnRzU2FtcG',
      version: 1,
      errors: [],
    },
    {
      index: 1,
      sourceId: 'L-0002',
      status: 'rejected',
      errors: [
        {
          path: 'data.person.idNumber',
          code: 'ID_NUMBER_CHECKSUM',
          message: 'Resident ID number fails the GB 11643 check character; check for a mistyped digit.',
        },
      ],
    },
  ],
  summary: { accepted: 1, unchanged: 0, rejected: 1 },
});

const DESCRIPTION = `Submit records about migrant residents, rentals, employment, insurance, schooling and business
licences. Every record is validated and normalised into the canonical model and gets its own result: a batch is
never all-or-nothing. Every accepted change is published as an event and delivered to the departments' queues
(see the AsyncAPI documents in docs/asyncapi/).

**Authentication** depends on the stage (infra/config.ts \`ingestAuth\`): a bearer JWT from the configured OIDC
issuer and audience (claims \`sub\` or \`submitter_id\`, and \`role\`), or an AWS SigV4-signed request (IAM
authorization, service \`execute-api\`) whose principal is mapped to a submitter. The local hub accepts the
tokens \`npm start\` prints.

**Departments** read through the same authorizer (role \`department\`): \`POST /v1/persons/lookup\` answers one
person's profile, permit eligibility and points cut to what the caller's department may see, and audits every
look-up; \`GET /v1/stats\` answers a division's survey statistics; \`GET /v1/audit\` lists a department's look-ups
to a caller with an audit right. **Operators** read the same way: \`GET /v1/flow\` (records per minute and
rejection codes), \`GET /v1/late-reports\` and \`GET /v1/subscribers\` (with an audit right), \`GET /v1/divisions\`
(the division list); the local hub's console at \`/console\` is one such client. A department caller's token also carries \`department\` (the department it acts
for, one of ${DEPARTMENTS.join(', ')}; needed for look-ups and audit trails) and, to read
audit trails, \`audit\` (\`true\`: its own department's; \`"all"\`: every department's). An unknown
\`department\` is 401; a missing one, or a missing or too narrow audit right, 403.

**Bulk import** of existing registers: \`POST /v1/imports\` takes a CSV or XLSX file of one record kind (or asks for
an upload URL for files over 10 MB), \`GET /v1/imports/{importId}\` follows its progress and
\`GET /v1/imports/{importId}/errors\` gives the rejected rows as CSV.

**Errors**: a rejected record lists all its errors (\`errors[].code\`, see the ErrorCode schema). A failure of the
whole request is \`application/problem+json\` (RFC 9457) with a stable \`code\`. API Gateway answers some requests
itself, as \`application/json\` \`{"message": "…"}\` (the GatewayMessage schema), never problem+json: its JWT
authorizer's 401 (with a \`WWW-Authenticate\` header saying why), an IAM stage's 403, 404 for a path or method no
route has, 413 over 10 MB, 429 when the stage's rate or burst limit is exceeded, 500 and 503 when the function
fails or times out. Tell the two apart by the content type.

**Throttling**: each route takes a steady rate with a burst on top (the stage config's \`ingest.rateLimit\` and
\`burstLimit\`; prod: ${STAGES.prod.ingest.rateLimit} requests/s, burst ${STAGES.prod.ingest.burstLimit}). Beyond them API Gateway answers 429 \`{"message":"Too Many
Requests"}\` without Retry-After: back off exponentially with jitter and retry. The hub's own 429 \`THROTTLED\`
(its store or bus is over capacity) carries \`Retry-After\` in seconds. Retrying a submission is safe: records
already stored come back \`unchanged\`, and an \`Idempotency-Key\` replays the first answer. The local hub enforces
a stage's limits the same way (\`npm start -- --stage dev|prod\`, default prod), so a client can test its back-off;
locally the 401, 404, 405 and over-10-MB 413 are problem+json with a \`detail\`, to help development.

The local hub serves this document at \`GET /v1/openapi.json\`. Generated by \`npm run docs\`; do not edit.`;

export function buildOpenApiDocument(): Record<string, unknown> {
  return createDocument(
    {
      openapi: OPENAPI_VERSION,
      info: {
        title: 'residence-data-hub HTTP API',
        version: CONTRACT_VERSION,
        description: DESCRIPTION,
      },
      servers: [
        {
          url: 'https://{apiId}.execute-api.{region}.amazonaws.com.cn',
          // The variable's own `description` trips @apidevtools/swagger-parser's OpenAPI 3.1 schema (which
          // misspells it "descriptions"), so the server's description says what apiId is.
          description: 'The HTTP API in a China region: apiId is the API id (the stage output IngestApiUrl)',
          variables: {
            apiId: { default: 'abc123defg' },
            region: { enum: ['cn-northwest-1', 'cn-north-1'], default: 'cn-northwest-1' },
          },
        },
        { url: 'http://127.0.0.1:4000', description: 'The local hub (npm start)' },
      ],
      security: [{ bearerJwt: [] }, { sigv4: [] }],
      paths: {
        [RECORDS_PATH]: {
          post: {
            operationId: 'submitRecords',
            summary: 'Submit 1 to 500 records',
            description:
              `At most ${MAX_SUBMISSION_BYTES / 1024 / 1024} MiB. Each record is normalised and stored as a ` +
              'new version (accepted), found identical to what is stored (unchanged) or rejected with all ' +
              'its errors. A role may submit only the kinds its permissions allow.',
            requestParams: {
              header: IDEMPOTENCY_KEY_PARAMETER,
            },
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: submissionRequest,
                  examples: {
                    canonical: {
                      summary: 'Canonical field names',
                      value: {
                        records: [
                          {
                            kind: 'residence-registration',
                            sourceId: 'L-0001',
                            data: SAMPLE_RECORDS['residence-registration'],
                          },
                        ],
                      },
                    },
                    labels: {
                      summary: 'Chinese labels and dirty forms, as a landlord’s form sends them',
                      value: {
                        records: [
                          {
                            kind: 'residence-registration',
                            sourceId: 'WF-REG-001',
                            data: {
                              公民身份号码: '330106199003071236',
                              姓名: ' 张  伟 ',
                              民族: '汉族',
                              联系电话: '+86 138-0013-8000',
                              居住地址: '浙江省杭州市西湖区文三路90号3-2-301',
                              居住类型: '租赁房屋',
                              居住事由: '务工',
                              入住日期: '2024年3月1日',
                            },
                          },
                        ],
                      },
                    },
                  },
                },
              },
            },
            responses: {
              '200': {
                description: 'One result per record.',
                headers: REPLAYED_HEADERS,
                content: {
                  'application/json': {
                    schema: submissionResult,
                    examples: { mixed: { value: SUCCESS_EXAMPLE } },
                  },
                },
              },
              ...problemResponses(RECORDS_PROBLEMS, RECORDS_PATH, RECORDS_EXAMPLES),
            },
          },
        },
        [LOOKUP_PATH]: {
          post: {
            operationId: 'lookupPerson',
            summary: "Look up one person, cut to what the caller's department may see",
            description:
              'For role `department` with the claim `department` (the department the caller acts for). The ' +
              'ID number travels in the body, never in the URL, and is never echoed. Answers the profile, ' +
              'the permit eligibility and the points as of today (China) or `asOf`, evaluated on read, cut ' +
              "to what the department's own event subscription receives: a profile field only where its " +
              "queue gets the record field it comes from; every condition's `met` for all, its evidence, " +
              "dates and the points' measured values only where the department sees their inputs. Every " +
              'look-up, found or not, writes an audit entry (who, when, which personKey, which fields) ' +
              'before it answers; a look-up whose entry cannot be written fails.',
            security: DEPARTMENT_SECURITY,
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: lookupRequest,
                  examples: {
                    today: { summary: 'As of today', value: EXAMPLE_LOOKUP_REQUESTS.today },
                    asOf: { summary: 'As of the day of an application', value: EXAMPLE_LOOKUP_REQUESTS.asOf },
                  },
                },
              },
            },
            responses: {
              '200': {
                description: 'The person as the calling department may see them.',
                headers: NO_STORE,
                content: {
                  'application/json': {
                    schema: personLookupResponse,
                    examples: {
                      health: {
                        summary: 'Asked by health (the asOf request): contact and addresses, no ID number',
                        value: exampleLookup('health'),
                      },
                      'public-security': {
                        summary: 'Asked by public security: the ID number, the hukou, the residence type',
                        value: exampleLookup('public-security'),
                      },
                      hrss: {
                        summary: 'Asked by hrss: jobs and insurance, where the worker lives by county only',
                        value: exampleLookup('hrss'),
                      },
                    },
                  },
                },
              },
              ...problemResponses(LOOKUP_PROBLEMS, LOOKUP_PATH, LOOKUP_EXAMPLES),
            },
          },
        },
        [VERIFY_PATH]: {
          post: {
            operationId: 'verifyPermit',
            summary: 'Verify a residence permit for a service (凭证服务)',
            description:
              'For role `department` with the claim `department`: any department, including those without a ' +
              'system of their own (legal aid, culture and sports). Asks by the holder’s ID number or by the ' +
              'permit’s number, both in the body and never echoed, whether a permit is in force on `asOf` ' +
              '(default today, China). The answer is `valid`, `endorsedUntil`, `city` and `reason` and nothing ' +
              'else: a permit whose endorsement lapsed is `suspended` until it is endorsed again; a person or ' +
              'number without a permit is `none` (200, not 404). Read from the person’s profile, which follows ' +
              'the records within seconds. Every call writes an audit entry (`operation: verify`) before it answers.',
            security: DEPARTMENT_SECURITY,
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: verifyRequest,
                  examples: {
                    byIdNumber: {
                      summary: 'By the holder’s ID number',
                      value: EXAMPLE_VERIFY_REQUESTS.byIdNumber,
                    },
                    byPermitNumber: {
                      summary: 'By the permit’s number, on a given day',
                      value: EXAMPLE_VERIFY_REQUESTS.byPermitNumber,
                    },
                  },
                },
              },
            },
            responses: {
              '200': {
                description: 'Whether the permit serves on the day: four fields at most.',
                headers: NO_STORE,
                content: {
                  'application/json': {
                    schema: permitVerificationResponse,
                    examples: exampleVerifications(),
                  },
                },
              },
              ...problemResponses(VERIFY_PROBLEMS, VERIFY_PATH, VERIFY_EXAMPLES),
            },
          },
        },
        [STATS_PATH]: {
          get: {
            operationId: 'divisionStats',
            summary: 'Survey statistics of a province, city or county',
            description:
              'For any caller with role `department` (aggregates only: no `department` claim needed). ' +
              'Registered migrants, by residence type, employed or not, insured or not, in school, by ' +
              "length of residence, and the coordinators required at 800:1 of the previous year's " +
              "registrations, read from the division's counters.",
            security: DEPARTMENT_SECURITY,
            requestParams: { query: statsQuery },
            responses: {
              '200': {
                description: 'The statistics of the division as of the day asked for.',
                headers: NO_STORE,
                content: {
                  'application/json': {
                    schema: divisionStatsResponse,
                    examples: { xihu: { summary: 'Xihu district, Hangzhou', value: exampleStats() } },
                  },
                },
              },
              ...problemResponses(STATS_PROBLEMS, STATS_PATH, STATS_EXAMPLES, GATEWAY_STATUSES_WITHOUT_BODY),
            },
          },
        },
        [AUDIT_PATH]: {
          get: {
            operationId: 'auditTrail',
            summary: "A department's look-up audit trail",
            description:
              'For role `department` with the claims `department` and `audit`: `audit: true` reads the ' +
              "caller's own department's trail, `audit: \"all\"` any department's (a supervising " +
              'data-protection office); without an audit right, or for another department with `true`: 403. ' +
              'Entries oldest first, in pages with `nextCursor`; the person is named by personKey only.',
            security: DEPARTMENT_SECURITY,
            requestParams: { query: auditQuery },
            responses: {
              '200': {
                description: 'A page of the trail.',
                headers: NO_STORE,
                content: {
                  'application/json': {
                    schema: auditTrailResponse,
                    examples: {
                      health: { summary: "The health department's trail", value: exampleAuditTrail() },
                    },
                  },
                },
              },
              ...problemResponses(AUDIT_PROBLEMS, AUDIT_PATH, AUDIT_EXAMPLES, GATEWAY_STATUSES_WITHOUT_BODY),
            },
          },
        },
        [DELIVERIES_PATH]: {
          get: {
            operationId: 'deliveryLog',
            summary: "A subscriber's delivery log",
            description:
              'Per day (China time) and event type, how many events the subscriber was delivered, had ' +
              'dead-lettered, got back by redrive, by backfill and by replay. For role `department` with the ' +
              "claims `department` and `audit`: `audit: true` reads its own department's subscribers " +
              '(`health`, `health@330106`), `audit: "all"` every subscriber. At most 62 days per request.',
            security: DEPARTMENT_SECURITY,
            requestParams: { query: deliveriesQuery },
            responses: {
              '200': {
                description: 'The log of the range.',
                headers: NO_STORE,
                content: {
                  'application/json': {
                    schema: deliveriesResponse,
                    examples: {
                      hangzhou: {
                        summary: 'The Hangzhou public-security bureau',
                        value: exampleDeliveries(),
                      },
                    },
                  },
                },
              },
              ...problemResponses(DELIVERIES_PROBLEMS, DELIVERIES_PATH, DELIVERIES_EXAMPLES),
            },
          },
        },
        ...operationsPaths({ problems: problemResponses, noStore: NO_STORE, security: DEPARTMENT_SECURITY }),
        [IMPORT_ROUTES.start.path]: {
          post: {
            operationId: 'startImport',
            summary: 'Import a register: a CSV or XLSX file of one record kind',
            description:
              'Same authorizer, roles and per-row permissions as POST /v1/records; a resident may not import. ' +
              'Send the file as the body (at most API Gateway’s 10 MB) with `?kind=` (and `sheet` or ' +
              '`encoding`): it is checked whole — readable, of its content type, its header row naming ' +
              'fields of the kind, every required field present — before it is stored, and answered 202. ' +
              'For larger files send JSON `{ "kind", "fileName", "contentType" }`: the answer (201) holds an ' +
              'upload URL to PUT the file to; the same checks then end a bad file as a failed import. ' +
              `At most ${MAX_IMPORT_ROWS.toLocaleString('en')} data rows and ${MAX_IMPORT_BYTES / 1024 / 1024} ` +
              'MB. The headers are the Chinese labels and canonical paths the JSON input accepts (each ' +
              "kind's x-aliases). Rows are stored 500 at a time through the same normaliser, store and " +
              'events as POST /v1/records, each with the source id `<importId>:<row>`. With an ' +
              'Idempotency-Key, a repeat of the request (same file, same key) answers the same import for 30 ' +
              'days.',
            requestParams: {
              query: importParameters.partial({ kind: true }),
              header: IDEMPOTENCY_KEY_PARAMETER,
            },
            requestBody: {
              required: true,
              content: {
                [CSV_CONTENT_TYPE]: {
                  schema: z.string().meta({
                    description:
                      'CSV, header row first: UTF-8 (with or without BOM) or GB18030/GBK. Needs ?kind=.',
                    format: 'binary',
                  }),
                },
                [XLSX_CONTENT_TYPE]: {
                  schema: z.string().meta({
                    description: 'An .xlsx workbook; its first sheet unless ?sheet= names one. Needs ?kind=.',
                    format: 'binary',
                  }),
                },
                'application/json': {
                  schema: importUploadRequest,
                  examples: {
                    upload: {
                      value: {
                        kind: 'residence-registration',
                        fileName: '登记表.xlsx',
                        contentType: XLSX_CONTENT_TYPE,
                      },
                    },
                  },
                },
              },
            },
            responses: {
              '202': {
                description: 'The file (the body) is stored; its rows are imported in the background.',
                headers: REPLAYED_HEADERS,
                content: {
                  'application/json': {
                    schema: importAccepted,
                    examples: {
                      started: { value: { importId: IMPORT_ID, statusUrl: `/v1/imports/${IMPORT_ID}` } },
                    },
                  },
                },
              },
              '201': {
                description: 'The import waits for its file: PUT it to uploadUrl (JSON request).',
                content: {
                  'application/json': {
                    schema: importUpload,
                    examples: {
                      upload: {
                        value: {
                          importId: IMPORT_ID,
                          statusUrl: `/v1/imports/${IMPORT_ID}`,
                          uploadUrl: `https://residence-data-hub-imports.s3.cn-northwest-1.amazonaws.com.cn/uploads/${IMPORT_ID}?X-Amz-Algorithm=AWS4-HMAC-SHA256&…`,
                          expiresAt: '2026-11-26T03:00:00.000Z',
                        },
                      },
                    },
                  },
                },
              },
              ...problemResponses(START_IMPORT_PROBLEMS, IMPORT_ROUTES.start.path, IMPORT_EXAMPLES),
            },
          },
        },
        [IMPORT_ROUTES.status.path]: {
          get: {
            operationId: 'importStatus',
            summary: "An import's progress",
            description:
              'For the importer, or a department caller with an audit right; anyone else gets 404, as for ' +
              'an import that does not exist. Counters move a chunk (500 rows) at a time.',
            requestParams: { path: z.object({ importId: z.uuid() }) },
            responses: {
              '200': {
                description: 'The progress.',
                headers: NO_STORE,
                content: {
                  'application/json': {
                    schema: importStatus,
                    examples: { running: { value: EXAMPLE_STATUS } },
                  },
                },
              },
              ...problemResponses(IMPORT_STATUS_PROBLEMS, IMPORT_ROUTES.status.path),
            },
          },
        },
        [IMPORT_ROUTES.errors.path]: {
          get: {
            operationId: 'importErrors',
            summary: "An import's error report",
            description:
              `CSV, UTF-8 with a byte order mark (Excel opens it as such), columns ${ERROR_REPORT_COLUMNS.join(', ')}: ` +
              'one line per error; `row` is the row number in the spreadsheet (the header is row 1), ' +
              '`column` the header as written (or the letter of a cell under no header), `path` the field. ' +
              'Readable while the import runs; a report over 4 MB is answered, once the import is done, with ' +
              '303 to a link valid for 15 minutes.',
            requestParams: { path: z.object({ importId: z.uuid() }) },
            responses: {
              '200': {
                description: 'The report (only the header line when no row was rejected).',
                headers: NO_STORE,
                content: {
                  'text/csv; charset=utf-8': {
                    schema: z.string(),
                    examples: { rejected: { value: EXAMPLE_REPORT } },
                  },
                },
              },
              '303': {
                description: 'A large report: fetch it from Location (no token).',
                headers: z.object({
                  Location: z.string().meta({ description: 'A presigned link to the report.' }),
                }),
              },
              ...problemResponses(IMPORT_ERRORS_PROBLEMS, IMPORT_ROUTES.errors.path),
            },
          },
        },
      },
      components: {
        schemas: {
          SubmissionRequest: submissionRequest,
          RecordEntry: recordEntryUnion,
          ...inputSchemaComponents(),
          SubmissionResult: submissionResult,
          RecordResult: recordResult,
          FieldError: fieldError,
          ErrorCode: errorCode,
          ProblemDetails: problemDetails,
          GatewayMessage: gatewayMessage,
          ProblemCode: problemCodeCatalogue(),
          PersonLookup: personLookupResponse,
          PermitVerification: permitVerificationResponse,
          ProfileView: profileView,
          Eligibility: eligibilityView,
          Points: pointsView,
          DivisionStats: divisionStatsResponse,
          AuditTrail: auditTrailResponse,
          AuditEntry: auditEntry,
          Flow: flowResponse,
          LateReports: lateReportsResponse,
          ImportActivity: importActivityResponse,
          Subscribers: subscribersResponse,
          Divisions: divisionsResponse,
          ImportUploadRequest: importUploadRequest,
          ImportStatus: importStatus,
          Deliveries: deliveriesResponse,
        },
        securitySchemes: {
          bearerJwt: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              'Stages with ingestAuth jwt: a JWT of the configured OIDC issuer and audience, claims sub (or ' +
              'submitter_id) and role; a department caller also department and, for audit trails, audit ' +
              '(true or "all"). Locally: the tokens npm start prints. The roles an operation requires are ' +
              'listed in its security requirement.',
          },
          sigv4: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description:
              'Stages with ingestAuth iam: an AWS SigV4-signed request (service execute-api); the IAM ' +
              "principal's ARN is mapped to a submitter in the stage's iamSubmitters (a department caller's " +
              'entry with department and audit too).',
            'x-amazon-apigateway-authtype': 'awsSigv4',
          },
        },
      },
    },
    {
      override: ({ zodSchema, jsonSchema }) => {
        // A query parameter is a string; the division code schema also takes numbers (in record fields).
        if (zodSchema === statsQuery.shape.division || zodSchema === divisionsQuery.shape.code) {
          delete jsonSchema.anyOf;
          jsonSchema.type = 'string';
        }
        // zod drops examples of a transforming schema's input; these are inputs.
        const examples = FIELD_EXAMPLES.get(zodSchema);
        if (examples !== undefined) jsonSchema.examples = examples;
        const component = REFERENCES.get(zodSchema);
        if (component === undefined) return;
        for (const key of Object.keys(jsonSchema)) delete (jsonSchema as Record<string, unknown>)[key];
        (jsonSchema as Record<string, unknown>).$ref = `#/components/schemas/${component}`;
      },
    },
  ) as unknown as Record<string, unknown>;
}
