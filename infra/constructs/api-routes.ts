import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';

/** Adds each route (as api/ names it) to the HTTP API, behind the authorizer, to one integration. */
export function addAuthorizedRoutes(
  httpApi: apigwv2.HttpApi,
  authorizer: apigwv2.IHttpRouteAuthorizer,
  routes: Readonly<Record<string, { readonly method: 'GET' | 'POST'; readonly path: string }>>,
  integration: apigwv2.HttpRouteIntegration,
): void {
  for (const route of Object.values(routes)) {
    httpApi.addRoutes({
      path: route.path,
      methods: [apigwv2.HttpMethod[route.method]],
      integration,
      authorizer,
    });
  }
}
