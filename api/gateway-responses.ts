import { z } from 'zod';

/*
 * What API Gateway (HTTP API) answers by itself, before or instead of the hub's handlers: its own JSON body
 * `{"message": "…"}` with content type application/json, never problem+json, and no Retry-After. The OpenAPI
 * document lists them beside the hub's own problems; the local hub answers its stage throttling the same way.
 * Checked against AWS's documentation, not against a deployed API (docs/deploying.md says which steps were).
 */

export const gatewayMessage = z.strictObject({ message: z.string() }).meta({
  description:
    "API Gateway's own answer (application/json, not problem+json): the stage's throttling, the authorizer, " +
    'a route that does not exist, a body over 10 MB, a failed or timed-out integration.',
});

export type GatewayMessage = z.infer<typeof gatewayMessage>;

/** API Gateway's answer for each status it produces itself, and when it does. */
export const GATEWAY_RESPONSES = {
  401: {
    message: 'Unauthorized',
    when:
      'the JWT authorizer refuses the token (missing, bad signature, expired, another issuer or audience); ' +
      'its `WWW-Authenticate` header says why',
  },
  403: { message: 'Forbidden', when: 'an IAM-authorised stage gets an unsigned or wrongly signed request' },
  404: { message: 'Not Found', when: 'no route matches the method and path' },
  413: { message: 'Request Entity Too Large', when: 'the body is over API Gateway’s 10 MB payload limit' },
  429: { message: 'Too Many Requests', when: "the stage's rate or burst limit is exceeded (per route)" },
  500: { message: 'Internal Server Error', when: 'the function failed without an answer' },
  503: {
    message: 'Service Unavailable',
    when: 'the function did not answer within the 29-second integration timeout',
  },
} as const satisfies Record<number, { message: string; when: string }>;

export type GatewayStatus = keyof typeof GATEWAY_RESPONSES;
