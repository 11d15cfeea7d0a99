import { describe, expect, it } from 'vitest';
import { GATEWAY_RESPONSES } from '#api/gateway-responses.ts';
import { IMPORT_ROUTES, importStatus } from '#api/import-api.ts';
import { PROBLEMS, ProblemError, problemResponse } from '#api/problems.ts';
import { auditQuery, personLookupRequest, statsQuery } from '#api/query-api.ts';
import { departmentLookupView, returnedFields } from '#domain/department-view.ts';
import { evaluateEligibility } from '#domain/eligibility.ts';
import { DEFAULT_PERMIT_CONFIG, verifyPermits } from '#domain/permit.ts';
import { scorePoints } from '#domain/points.ts';
import { HANGZHOU_EXAMPLE_POINTS_TABLE } from '#domain/points-config.ts';
import { statsView } from '#domain/stats.ts';
import { decodeCursor } from '#functions/adapters/audit-store.ts';
import { requireDepartment, requireDepartmentRole } from '#functions/http/department-caller.ts';
import { auditRequest } from '#functions/query/audit.ts';
import { DEPARTMENTS } from '../../../events/index.ts';
import { normaliseRecord, RECORD_KINDS } from '../../../schemas/index.ts';
import { inputJsonSchema } from '../../../schemas/json-schema.ts';
import {
  buildOpenApiDocument,
  DEPARTMENT_REFUSALS,
  OPERATION_PROBLEMS,
  RECORDS_PROBLEMS,
} from '../../../scripts/docs/openapi.ts';
import { EXAMPLE_ID_NUMBER } from '../../../scripts/docs/query-examples.ts';
import { draft2020Validator } from '../../helpers/json-schema.ts';
import {
  application,
  cardLink,
  emptyProfile,
  insurance,
  job,
  lease,
  licence,
  permit,
  residence,
  school,
} from '../domain/builders.ts';
import { useFixedClock } from '../schemas/kinds/helpers.ts';
import { componentValidator, unresolvedReferences } from './references.ts';

// biome-ignore lint/suspicious/noExplicitAny: walking a generated JSON document, checked by the assertions.
type Json = Record<string, any>;

const document = JSON.parse(JSON.stringify(buildOpenApiDocument())) as Json;
const operation = document.paths['/v1/records'].post as Json;
const schemas = document.components.schemas as Json;

describe('the OpenAPI document', () => {
  // The request examples are dated early 2026 (events/samples.ts).
  useFixedClock('2026-06-01T12:00:00+08:00');

  it('is OpenAPI 3.1 and every $ref in it resolves', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(unresolvedReferences(document)).toEqual([]);
  });

  it('documents every record kind with its input JSON Schema from schemas/json-schema.ts', () => {
    const entries = schemas.RecordEntry.oneOf as Json[];
    expect(entries.map((entry) => entry.properties.kind.const)).toEqual([...RECORD_KINDS]);
    for (const kind of RECORD_KINDS) {
      const entry = entries.find((e) => e.properties.kind.const === kind) as Json;
      const component = (entry.properties.data.$ref as string).replace('#/components/schemas/', '');
      const { $schema: _dialect, $defs, ...expected } = inputJsonSchema(kind) as Json;
      // Its $defs are components of their own, referenced as such.
      const asComponents = (schema: unknown) =>
        JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/'));
      expect(schemas[component]).toEqual(asComponents(expected));
      for (const [name, definition] of Object.entries($defs as Json)) {
        expect(schemas[name], name).toEqual(asComponents(definition));
      }
    }
    expect(schemas.SubmissionRequest.properties.records).toMatchObject({ minItems: 1, maxItems: 500 });
  });

  it('documents the optional Idempotency-Key header', () => {
    expect(operation.parameters).toEqual([
      expect.objectContaining({
        in: 'header',
        name: 'Idempotency-Key',
        schema: expect.objectContaining({ pattern: '^[\\x20-\\x7E]{1,128}$' }),
      }),
    ]);
    expect(operation.parameters[0].required).not.toBe(true);
  });

  it('requires a bearer JWT or, alternatively, SigV4', () => {
    expect(document.security).toEqual([{ bearerJwt: [] }, { sigv4: [] }]);
    expect(document.components.securitySchemes.bearerJwt).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(document.components.securitySchemes.sigv4).toMatchObject({
      'x-amazon-apigateway-authtype': 'awsSigv4',
    });
  });

  it('lists the problems of POST /v1/records under their status, with examples that fit the schema', () => {
    const ajv = draft2020Validator();
    for (const code of RECORDS_PROBLEMS) {
      const content = operation.responses[String(PROBLEMS[code].status)]?.content['application/problem+json'];
      expect(content?.schema.properties.code.enum, code).toContain(code);
      const validate = ajv.compile(content.schema);
      expect(validate(content.examples[code].value), `${code}: ${ajv.errorsText(validate.errors)}`).toBe(
        true,
      );
    }
    expect(Object.keys(operation.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '409', '413', '415', '422', '429', '500']),
    );
  });

  it('catalogues every problem code of api/problems.ts', () => {
    expect(schemas.ProblemCode.enum).toEqual(Object.keys(PROBLEMS));
  });

  it('gives examples that the schemas and the hub accept', () => {
    // Prepare
    const request = componentValidator(schemas, 'SubmissionRequest');
    const response = componentValidator(schemas, 'SubmissionResult');
    const examples = operation.requestBody.content['application/json'].examples as Json;

    // Act / Assess: the labelled example too, as landlords send it
    for (const { value } of Object.values(examples) as Json[])
      expect(request(value), JSON.stringify(request.errors)).toBe(true);
    for (const { value } of Object.values(examples) as Json[]) {
      for (const entry of value.records)
        expect(normaliseRecord(entry.kind, entry.data)).toMatchObject({ ok: true });
    }
    const success = operation.responses['200'].content['application/json'].examples.mixed.value;
    expect(response(success), JSON.stringify(response.errors)).toBe(true);
  });

  it('rejects what the hub rejects at the envelope', () => {
    const request = componentValidator(schemas, 'SubmissionRequest');
    expect(request({ records: [] })).toBe(false);
    expect(request({ records: [{ kind: 'tenancy', data: {} }], extra: 1 })).toBe(false);
    expect(request({ records: [{ kind: 'no-such-kind', data: {} }] })).toBe(false);
  });
});

const DEPARTMENT_OPERATIONS = {
  lookupPerson: { path: '/v1/persons/lookup', method: 'post', response: 'PersonLookup' },
  divisionStats: { path: '/v1/stats', method: 'get', response: 'DivisionStats' },
  auditTrail: { path: '/v1/audit', method: 'get', response: 'AuditTrail' },
  deliveryLog: { path: '/v1/deliveries', method: 'get', response: 'Deliveries' },
} as const;

const operationOf = (id: keyof typeof DEPARTMENT_OPERATIONS): Json => {
  const { path, method } = DEPARTMENT_OPERATIONS[id];
  return document.paths[path][method] as Json;
};

const parametersOf = (id: keyof typeof DEPARTMENT_OPERATIONS): Json =>
  Object.fromEntries(((operationOf(id).parameters ?? []) as Json[]).map((p) => [p.name, p]));

// A record id as the hub builds them (domain/record-id.ts): the kind and 22 base64url characters.
const id = (kind: string, n: number) => `${kind}:${String(n).padStart(22, 'A')}`;

// Someone with every list and every optional field, so each department's cut shows all it can.
const FULL_PROFILE = emptyProfile({
  personKey: 'a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
  person: {
    name: '张伟',
    gender: 'male',
    birthDate: '1990-03-07',
    ethnicity: '01',
    phone: '13800138000',
    hukouDivisionCode: '341222',
    educationLevel: 'bachelor',
  },
  residences: [
    residence(id('residence-registration', 1), '330105', '2022-01-01', {
      reason: 'work',
      movedOutOn: '2024-02-28',
    }),
    residence(id('residence-registration', 2), '330106', '2024-03-01', { reason: 'family' }),
  ],
  tenancies: [lease(id('tenancy', 1), '2024-03-01', { endsOn: '2026-02-28', endedOn: '2025-12-31' })],
  employments: [job(id('employment', 1), '2024-03-04', { endsOn: '2027-03-03', endedOn: '2025-10-31' })],
  insurances: [insurance(id('social-insurance', 1), 'pension', '2024-04-01', { stoppedOn: '2025-10-31' })],
  schooling: [school(id('schooling', 1), '2024-09-01', { leftOn: '2025-07-01' })],
  businessLicenses: [licence(id('business-license', 1), '2024-05-01', { revokedOn: '2025-06-30' })],
  departures: [
    {
      recordId: id('residence-departure', 1),
      divisionCode: '330105',
      movedOutOn: '2024-02-28',
      destinationDivisionCode: '330106',
    },
  ],
  applications: [
    application(id('permit-application', 1), '2024-09-02', { claims: ['employment', 'housing'] }),
  ],
  permits: [
    permit(id('residence-permit', 1), '2024-09-10', '2025-09-09', {
      applicationId: id('permit-application', 1),
      endorsements: [{ endorsedOn: '2025-08-20', endorsedUntil: '2025-09-09' }],
    }),
    permit(id('residence-permit', 2), '2023-01-05', '2024-01-04', { status: 'lost' }),
  ],
  cardLinks: [cardLink(id('card-link', 1), '2024-09-20', { unlinkedOn: '2025-01-31' })],
});

describe('the department read API in the OpenAPI document', () => {
  it('documents look-up, statistics and audit trail for role department, by bearer JWT or SigV4', () => {
    for (const id of Object.keys(DEPARTMENT_OPERATIONS) as (keyof typeof DEPARTMENT_OPERATIONS)[]) {
      const operation = operationOf(id);
      expect(operation.operationId).toBe(id);
      expect(operation.security).toEqual([{ bearerJwt: ['department'] }, { sigv4: ['department'] }]);
      expect(operation.responses['200'].content['application/json'].schema).toEqual({
        $ref: `#/components/schemas/${DEPARTMENT_OPERATIONS[id].response}`,
      });
      expect(operation.responses['200'].headers['Cache-Control'].schema.const).toBe('no-store');
    }
    // The claims beside the role: which department, and the audit right.
    expect(operationOf('lookupPerson').description).toContain('claim `department`');
    expect(operationOf('auditTrail').description).toMatch(/`audit: true`.*`audit: "all"`/);
    expect(document.components.securitySchemes.bearerJwt.description).toMatch(/department.*audit/);
  });

  it('takes the ID number in the body, never in the URL', () => {
    const operation = operationOf('lookupPerson');
    expect(operation.parameters).toBeUndefined();
    expect(operation.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/PersonLookupRequest',
    });
    expect(schemas.PersonLookupRequest).toMatchObject({
      required: ['idNumber'],
      additionalProperties: false,
    });
  });

  it('documents the query parameters of the statistics and the audit trail', () => {
    const stats = parametersOf('divisionStats');
    expect(Object.keys(stats)).toEqual(Object.keys(statsQuery.shape));
    expect(stats.division).toMatchObject({ in: 'query', required: true, schema: { type: 'string' } });
    expect(stats.asOf.required).not.toBe(true);

    const audit = parametersOf('auditTrail');
    expect(Object.keys(audit)).toEqual(Object.keys(auditQuery.shape));
    expect(audit.from.required).toBe(true);
    expect(audit.department.schema.enum).toEqual([...DEPARTMENTS]);
    expect(audit.limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000 });
    // The handler parses the documented parameters, adding only its check of the cursor.
    expect(Object.keys(auditRequest.shape)).toEqual(Object.keys(auditQuery.shape));
  });

  it.each(Object.entries(DEPARTMENT_OPERATIONS))(
    'lists the problems of %s under their status, with examples that fit the schema',
    (id, { path }) => {
      const ajv = draft2020Validator();
      const operation = operationOf(id as keyof typeof DEPARTMENT_OPERATIONS);
      const codes = OPERATION_PROBLEMS[id as keyof typeof DEPARTMENT_OPERATIONS];
      for (const code of codes) {
        const content =
          operation.responses[String(PROBLEMS[code].status)]?.content['application/problem+json'];
        expect(content?.schema.properties.code.enum, code).toContain(code);
        const example = content.examples[code].value;
        const validate = ajv.compile(content.schema);
        expect(validate(example), `${code}: ${ajv.errorsText(validate.errors)}`).toBe(true);
        expect(example).toMatchObject({ code, status: PROBLEMS[code].status, instance: path });
      }
      // The hub's own problem statuses, and API Gateway's answers beside them (application/json).
      const statuses = Object.keys(operation.responses).filter((status) => status !== '200');
      const gateway = statuses.filter((status) => operation.responses[status].content['application/json']);
      expect(statuses.sort()).toEqual(
        [...new Set([...codes.map((code) => String(PROBLEMS[code].status)), ...gateway])].sort(),
      );
      expect(gateway).toEqual(expect.arrayContaining(['401', '403', '429', '500', '503']));
      expect(codes).toEqual(expect.arrayContaining(['INVALID_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN']));
    },
  );

  it('answers 404 to a look-up of an unknown person, and never echoes the ID number in a 400', () => {
    const responses = operationOf('lookupPerson').responses;
    expect(responses['404'].content['application/problem+json'].examples.NOT_FOUND.value.detail).toMatch(
      /No person/,
    );
    const invalid = responses['400'].content['application/problem+json'].examples.INVALID_REQUEST.value;
    expect(invalid.errors).toEqual([
      expect.objectContaining({ path: 'idNumber', code: 'ID_NUMBER_CHECKSUM' }),
    ]);
    expect(JSON.stringify(invalid)).not.toContain('330106199003071235');
  });

  it("shows the department checks' own refusals", () => {
    expect(() => requireDepartment({ submitterId: 'dept-unnamed', role: 'department' })).toThrow(
      DEPARTMENT_REFUSALS.unnamed.message,
    );
    expect(() => requireDepartmentRole({ submitterId: 'landlord-0001', role: 'landlord' })).toThrow(
      DEPARTMENT_REFUSALS.notDepartment.message,
    );
  });

  it('gives request examples that the schemas and the handlers accept', () => {
    const request = componentValidator(schemas, 'PersonLookupRequest');
    const examples = operationOf('lookupPerson').requestBody.content['application/json'].examples as Json;
    for (const { value } of Object.values(examples) as Json[]) {
      expect(request(value), JSON.stringify(request.errors)).toBe(true);
      expect(personLookupRequest.parse(value)).toMatchObject({ idNumber: EXAMPLE_ID_NUMBER });
    }
    for (const id of ['divisionStats', 'auditTrail'] as const) {
      const parameters = parametersOf(id);
      const query = Object.fromEntries(
        (Object.entries(parameters) as [string, Json][])
          .filter(([, p]) => p.schema.examples !== undefined)
          .map(([name, p]) => [name, String(p.schema.examples[0])]),
      );
      expect(Object.keys(query)).toContain(id === 'divisionStats' ? 'division' : 'from');
      const handlerSchema = id === 'divisionStats' ? statsQuery : auditRequest;
      expect(handlerSchema.safeParse(query).success, JSON.stringify(query)).toBe(true);
    }
  });

  it('gives response examples that fit their schemas', () => {
    for (const [id, { response }] of Object.entries(DEPARTMENT_OPERATIONS)) {
      const validate = componentValidator(schemas, response);
      const examples = operationOf(id as keyof typeof DEPARTMENT_OPERATIONS).responses['200'].content[
        'application/json'
      ].examples as Json;
      expect(Object.keys(examples).length, id).toBeGreaterThan(0);
      for (const [name, { value }] of Object.entries(examples) as [string, Json][])
        expect(validate(value), `${id} ${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('shows each department only its cut in the look-up examples', () => {
    const examples = operationOf('lookupPerson').responses['200'].content['application/json']
      .examples as Json;
    expect(examples.health.value.profile.person.idNumber).toBeUndefined();
    expect(examples['public-security'].value.profile.person.idNumber).toBe(EXAMPLE_ID_NUMBER);
    expect(examples.hrss.value.profile.employments).toHaveLength(1);
    expect(examples.health.value.profile.employments).toBeUndefined();
  });

  it('documents every look-up answer the code builds, for every department', () => {
    // Prepare
    const validate = componentValidator(schemas, 'PersonLookup');
    const asOfs = ['2024-03-15', '2024-09-02', '2025-09-01'];

    for (const department of DEPARTMENTS) {
      for (const asOf of asOfs) {
        for (const points of [scorePoints(FULL_PROFILE, asOf, HANGZHOU_EXAMPLE_POINTS_TABLE), undefined]) {
          // Act
          const view = departmentLookupView(
            {
              idNumber: '341222199003071237',
              profile: FULL_PROFILE,
              eligibility: evaluateEligibility(FULL_PROFILE, asOf),
              points,
              permit: verifyPermits(FULL_PROFILE.permits, asOf, DEFAULT_PERMIT_CONFIG),
            },
            department,
          );

          // Assess
          const answer = JSON.parse(JSON.stringify(view));
          expect(validate(answer), `${department} ${asOf}: ${JSON.stringify(validate.errors)}`).toBe(true);
        }
      }
    }
  });

  it('documents the statistics the code builds, with and without counters', () => {
    const validate = componentValidator(schemas, 'DivisionStats');
    const counters = new Map([
      ['registered', 2],
      ['residenceType:rented', 1],
      ['residenceType:owned', 1],
      ['employed', 2],
      ['uninsured', 2],
      ['movedIn:2025-01', 2],
      ['registeredInYear:2025', 2],
    ]);
    for (const division of ['330000', '330100', '330106']) {
      for (const current of [new Map<string, number>(), counters]) {
        const answer = { ...statsView(current, division, '2026-08-01'), asOf: '2026-08-01' };
        expect(validate(answer), JSON.stringify(validate.errors)).toBe(true);
      }
    }
    expect(schemas.DivisionStats.properties.byResidenceType.required).toEqual([
      'rented',
      'owned',
      'employer-dormitory',
      'lodging',
      'other',
    ]);
  });

  it('gives an audit example whose fields are the look-up example’s and whose cursor the hub would take', () => {
    const operation = operationOf('auditTrail');
    const trail = operation.responses['200'].content['application/json'].examples.health.value as Json;
    const health = operationOf('lookupPerson').responses['200'].content['application/json'].examples.health
      .value as Json;
    expect(trail.entries[0]).toMatchObject({ found: true, fields: returnedFields(health) });
    expect(trail.entries[1]).toMatchObject({ found: false, fields: [] });
    expect(() => decodeCursor(trail.nextCursor)).not.toThrow();
    expect(auditRequest.safeParse({ from: '2026-08-01', cursor: trail.nextCursor }).success).toBe(true);
    expect(JSON.stringify(trail)).not.toContain(EXAMPLE_ID_NUMBER);
  });

  it('rejects what the hub rejects in a look-up body', () => {
    const request = componentValidator(schemas, 'PersonLookupRequest');
    expect(request({})).toBe(false);
    expect(request({ idNumber: EXAMPLE_ID_NUMBER, name: '张伟' })).toBe(false);
    expect(personLookupRequest.safeParse({ idNumber: EXAMPLE_ID_NUMBER, name: '张伟' }).success).toBe(false);
  });
});

describe("API Gateway's own answers and throttling in the OpenAPI document", () => {
  const document = JSON.parse(JSON.stringify(buildOpenApiDocument())) as Json;

  it.each(Object.entries(OPERATION_PROBLEMS))(
    '%s: lists the gateway answers as application/json {"message"}, and Retry-After on 429',
    (id) => {
      const operation = Object.values(document.paths as Json)
        .flatMap((item) => Object.values(item as Json))
        .find((o) => (o as Json).operationId === id) as Json;
      const validate = draft2020Validator().compile({
        ...document.components.schemas.GatewayMessage,
      });
      for (const [status, { message }] of Object.entries(GATEWAY_RESPONSES)) {
        const content = operation.responses[status]?.content['application/json'];
        if (content === undefined) continue;
        expect(content.examples.gateway.value).toEqual({ message });
        expect(validate(content.examples.gateway.value)).toBe(true);
      }
      expect(operation.responses['429'].content['application/json'].examples.gateway.value).toEqual({
        message: 'Too Many Requests',
      });
      expect(Object.keys(operation.responses['429'].headers)).toEqual(['Retry-After']);
    },
  );

  it('sends Retry-After with every 429 and 503 the hub itself answers', () => {
    for (const code of Object.keys(PROBLEMS) as (keyof typeof PROBLEMS)[]) {
      const status: number = PROBLEMS[code].status;
      const response = problemResponse(new ProblemError(code));
      if (status === 429 || status === 503) expect(response.headers?.['retry-after'], code).toMatch(/^\d+$/);
      else expect(response.headers?.['retry-after'], code).toBeUndefined();
    }
  });
});

describe('the OpenAPI document: bulk import', () => {
  const IMPORT_OPERATIONS = {
    startImport: { path: IMPORT_ROUTES.start.path, method: 'post', success: ['201', '202'] },
    importStatus: { path: IMPORT_ROUTES.status.path, method: 'get', success: ['200'] },
    importErrors: { path: IMPORT_ROUTES.errors.path, method: 'get', success: ['200', '303'] },
  } as const;

  it.each(Object.entries(IMPORT_OPERATIONS))(
    'lists the problems of %s under their status, with examples that fit the schema',
    (id, { path, method, success }) => {
      const ajv = draft2020Validator();
      const operation = document.paths[path][method] as Json;
      const codes = OPERATION_PROBLEMS[id as keyof typeof IMPORT_OPERATIONS];
      for (const code of codes) {
        const content =
          operation.responses[String(PROBLEMS[code].status)]?.content['application/problem+json'];
        const example = content.examples[code].value;
        const validate = ajv.compile(content.schema);
        expect(validate(example), `${code}: ${ajv.errorsText(validate.errors)}`).toBe(true);
        expect(example).toMatchObject({ code, status: PROBLEMS[code].status, instance: path });
      }
      // The hub's own problem statuses, and API Gateway's answers beside them (application/json).
      const statuses = Object.keys(operation.responses).filter(
        (status) => !(success as readonly string[]).includes(status),
      );
      const gateway = statuses.filter((status) => operation.responses[status].content?.['application/json']);
      expect(statuses.sort()).toEqual(
        [...new Set([...codes.map((code) => String(PROBLEMS[code].status)), ...gateway])].sort(),
      );
    },
  );

  it('takes the file as CSV or XLSX, or JSON asking for an upload URL, and answers the status the hub answers', () => {
    const start = document.paths[IMPORT_ROUTES.start.path].post as Json;
    expect(Object.keys(start.requestBody.content)).toEqual([
      'text/csv',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/json',
    ]);
    const status = document.paths[IMPORT_ROUTES.status.path].get.responses['200'].content['application/json'];
    expect(importStatus.safeParse(status.examples.running.value).success).toBe(true);
    expect(componentValidator(schemas, 'ImportStatus')(status.examples.running.value)).toBe(true);
    const columns =
      start.responses['400'].content['application/problem+json'].examples.IMPORT_COLUMNS_INVALID.value;
    expect(columns.acceptedColumns).toEqual(expect.arrayContaining(['公民身份号码', '入住日期']));
  });
});
