import { describe, expect, it } from 'vitest';
import { OPERATIONS_ROUTES } from '#api/operations-api.ts';
import { PROBLEMS } from '#api/problems.ts';
import { divisionLevel } from '#functions/operations/divisions.ts';
import { buildOpenApiDocument, OPERATION_PROBLEMS } from '../../../scripts/docs/openapi.ts';
import { httpEvent } from '../../helpers/query-event.ts';
import { componentValidator } from './references.ts';

// biome-ignore lint/suspicious/noExplicitAny: walking a generated JSON document, checked by the assertions.
type Json = Record<string, any>;

const document = JSON.parse(JSON.stringify(buildOpenApiDocument())) as Json;
const schemas = document.components.schemas as Json;

const OPERATIONS = {
  flow: { route: OPERATIONS_ROUTES.flow, component: 'Flow' },
  lateReports: { route: OPERATIONS_ROUTES.lateReports, component: 'LateReports' },
  importActivity: { route: OPERATIONS_ROUTES.importActivity, component: 'ImportActivity' },
  subscribers: { route: OPERATIONS_ROUTES.subscribers, component: 'Subscribers' },
  divisions: { route: OPERATIONS_ROUTES.divisions, component: 'Divisions' },
} as const;

describe('the operations read API in the OpenAPI document', () => {
  it('documents every operations route, answering its component without caching', () => {
    for (const [id, { route, component }] of Object.entries(OPERATIONS)) {
      const operation = document.paths[route.path][route.method.toLowerCase()] as Json;
      expect(operation.operationId).toBe(id);
      expect(operation.responses['200'].content['application/json'].schema).toEqual({
        $ref: `#/components/schemas/${component}`,
      });
      expect(operation.responses['200'].headers['Cache-Control'].schema.const).toBe('no-store');
    }
  });

  it('lists each operation’s problem codes under their status', () => {
    for (const [id, { route }] of Object.entries(OPERATIONS)) {
      const responses = document.paths[route.path].get.responses as Json;
      for (const code of OPERATION_PROBLEMS[id as keyof typeof OPERATIONS])
        expect(
          responses[String(PROBLEMS[code].status)].content['application/problem+json'].examples,
        ).toHaveProperty(code);
    }
  });

  it('asks for the department role, except for the public division list', () => {
    for (const id of ['flow', 'lateReports', 'importActivity', 'subscribers'] as const) {
      const { route } = OPERATIONS[id];
      expect(document.paths[route.path].get.security).toEqual([
        { bearerJwt: ['department'] },
        { sigv4: ['department'] },
      ]);
    }
    expect(document.paths[OPERATIONS_ROUTES.divisions.path].get.security).toBeUndefined();
  });

  it('gives examples that fit their schemas', () => {
    for (const { route, component } of Object.values(OPERATIONS)) {
      const validate = componentValidator(schemas, component);
      const { example } =
        document.paths[route.path].get.responses['200'].content['application/json'].examples;
      expect(validate(example.value), `${route.path}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('shows the division list as the route answers it', () => {
    const { example } =
      document.paths[OPERATIONS_ROUTES.divisions.path].get.responses['200'].content['application/json']
        .examples;

    expect(example.value).toEqual(
      divisionLevel(httpEvent({ method: 'GET', path: '/v1/divisions', query: { code: '330100' } })),
    );
  });
});
