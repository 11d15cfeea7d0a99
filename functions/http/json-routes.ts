import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ProblemError } from '#api/problems.ts';
import type { HubRequestEvent, Submitter } from './submitter.ts';
import type { SubmitterContext } from './submitter-context.ts';

/** A route as API Gateway's route key names it. */
export interface Route {
  method: string;
  path: string;
}

/** What a read route answers (as JSON), from its request and its verified caller. */
export type JsonRouteHandler = (event: HubRequestEvent, caller: Submitter) => unknown;

/**
 * The handler of a function serving several read routes: the route of the request picks its handler, whose
 * answer goes out as JSON, never cached; an unknown route is NOT_FOUND.
 */
export function jsonRoutes(routes: ReadonlyArray<readonly [Route, JsonRouteHandler]>) {
  return async (
    event: HubRequestEvent,
    context: SubmitterContext,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const method = event.requestContext.http.method;
    const path = event.rawPath;
    const handler = routes.find(([route]) => route.method === method && route.path === path)?.[1];
    if (handler === undefined) throw new ProblemError('NOT_FOUND', `${method} ${path}`);
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify(await handler(event, context.submitter)),
    };
  };
}
