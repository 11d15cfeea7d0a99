import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postRecords } from '../../../cli/api-client.ts';
import type { AwsTarget } from '../../../cli/target.ts';

let received: IncomingHttpHeaders | undefined;
const server = createServer((request, response) => {
  received = request.headers;
  request.resume();
  response.end('{}');
});
let target: AwsTarget;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
  target = {
    kind: 'aws',
    label: 'stack test (cn-northwest-1)',
    region: 'cn-northwest-1',
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tableName: 'records',
    eventBusName: 'bus',
    archiveName: 'archive',
    stackName: 'test',
    clientConfig: () => ({}),
    sqs: new SQSClient({ region: 'cn-northwest-1', credentials }),
    dynamoDb: new DynamoDBClient({ region: 'cn-northwest-1', credentials }),
    subscribers: new Map(),
  };
});

afterAll(() => {
  server.close();
  target.sqs.destroy();
  target.dynamoDb.destroy();
});

describe('posting records to a stack', () => {
  it('signs with SigV4 for execute-api in the stack’s region when no token is given', async () => {
    delete process.env.HUB_TOKEN;

    await postRecords(target, '{"records":[]}', {});

    expect(received?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/cn-northwest-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(received?.['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it('sends a bearer token as it is when one is given', async () => {
    await postRecords(target, '{"records":[]}', { token: 'eyJ.token.sig' });

    expect(received?.authorization).toBe('Bearer eyJ.token.sig');
  });
});
