import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { GATEWAY_RESPONSES } from '#api/gateway-responses.ts';
import { RecordStore } from '#functions/adapters/record-store.ts';
import type { SubmitterContext } from '#functions/http/submitter-context.ts';
import { createIngestHandler } from '#functions/ingest/handler.ts';
import { startApiServer } from '#local/api-server.ts';
import { lambdaContext } from '#local/lambda-context.ts';
import { createRouteThrottle } from '#local/route-throttle.ts';
import { jsonPost } from '../../helpers/api-event.ts';

// Who answers 429, and how: the hub itself when its store throttles it (problem+json with Retry-After), and
// the local HTTP API as API Gateway does when the stage's limits are exceeded ({"message"}, no Retry-After).

const REGISTRATION = {
  kind: 'residence-registration',
  sourceId: 'T-1',
  data: {
    person: { idNumber: '330106199003071236', name: '张伟' },
    address: '浙江省杭州市西湖区文三路90号3-2-301',
    residenceType: 'rented',
    movedInOn: '2024-03-01',
  },
};

describe('429 from the hub: its store throttles it', () => {
  it('answers THROTTLED as problem+json with Retry-After, so the client backs off and retries', async () => {
    // Prepare: DynamoDB refuses every call as over capacity (after the SDK's own retries, as it would)
    const client = new DynamoDBClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    client.middlewareStack.add(
      () => async () => {
        throw Object.assign(new Error('The level of configured provisioned throughput was exceeded.'), {
          name: 'ProvisionedThroughputExceededException',
          $retryable: { throttling: true },
        });
      },
      { step: 'initialize', name: 'overCapacity' },
    );
    const ingest = createIngestHandler({
      store: new RecordStore(client, 'records'),
      personKeySecret: 'test-person-key-secret',
    });

    // Act
    const response = await ingest(
      jsonPost({ records: [REGISTRATION] }, { sub: 'landlord-1', role: 'landlord' }),
      lambdaContext('ingest') as SubmitterContext,
    );

    // Assess
    expect(response.statusCode).toBe(429);
    expect(response.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'retry-after': '1',
    });
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ status: 429, code: 'THROTTLED' });
    client.destroy();
  });
});

describe("429 from the gateway: the stage's rate and burst limits", () => {
  it('answers as API Gateway does once a route’s burst is spent, other routes unaffected', async () => {
    // Prepare: a burst of 2 that refills once in 100 s, so the third request is refused whatever the timing
    const { url, server } = await startApiServer({
      port: 0,
      authenticate: async () => ({ ok: true, claims: {} }),
      throttle: createRouteThrottle({ rateLimit: 0.01, burstLimit: 2 }),
      routes: ['/a', '/b'].map((path) => ({
        method: 'GET' as const,
        path,
        authorized: false,
        handler: async () => ({ statusCode: 200, body: 'ok' }),
      })),
    });

    // Act
    const a = [];
    for (let i = 0; i < 3; i += 1) a.push(await fetch(`${url}/a`));
    const b = await fetch(`${url}/b`);

    // Assess
    expect(a.map((r) => r.status)).toEqual([200, 200, 429]);
    const throttled = a[2] as Response;
    expect(throttled.headers.get('content-type')).toBe('application/json');
    expect(throttled.headers.get('retry-after')).toBeNull();
    expect(await throttled.json()).toEqual({ message: GATEWAY_RESPONSES[429].message });
    expect(b.status).toBe(200);
    server.close();
  });
});
