import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { emulatorAuthorization } from './local-account.ts';
import { RECORDS_TABLE, type TableDefinition, toCreateTableInput } from './table-definition.ts';

export { emulatorAuthorization, LOCAL_ACCOUNT_ID, partitionOf } from './local-account.ts';

// Real SDK v3 clients pointed at the local emulators. The credentials are fixed dummies so a
// developer's real AWS profile is never picked up (and never needed).

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * The signer of the hub's own clients: dynalite and fauxqs check that a request looks signed, never the
 * signature (the local bus checks neither), and SigV4's hashing was a tenth of the hub's event loop under
 * load. Everything else on the SDK's path (middleware, serialising, retries, HTTP) is the real client's.
 */
export function emulatorSigner(region: string, service: string) {
  const headers = emulatorAuthorization(region, service);
  return {
    sign: async <T extends { headers: Record<string, string> }>(request: T): Promise<T> => {
      Object.assign(request.headers, headers);
      return request;
    },
  };
}

/** Region the local hub signs with and writes into ARNs and stream records. */
export function localRegion(): string {
  return process.env.LOCAL_HUB_REGION || 'us-east-1';
}

export function localDynamoDbClient(endpoint: string, config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({
    region: localRegion(),
    credentials: LOCAL_CREDENTIALS,
    signer: emulatorSigner(localRegion(), 'dynamodb'),
    ...config,
    endpoint,
  });
}

export function localSqsClient(endpoint: string, config: SQSClientConfig = {}): SQSClient {
  return new SQSClient({
    region: localRegion(),
    credentials: LOCAL_CREDENTIALS,
    signer: emulatorSigner(localRegion(), 'sqs'),
    ...config,
    endpoint,
  });
}

const TABLE_ACTIVE_POLLS = 100;
const TABLE_ACTIVE_POLL_MS = 50;

/**
 * Creates the table unless it exists, and waits until it is ACTIVE. An existing table with another
 * key schema or other indexes is an error rather than a silent mismatch.
 */
export async function ensureTable(
  client: DynamoDBClient,
  definition: TableDefinition = RECORDS_TABLE,
): Promise<'created' | 'existed'> {
  let outcome: 'created' | 'existed' = 'existed';
  let table = await describeTable(client, definition.tableName);
  if (!table) {
    try {
      await client.send(new CreateTableCommand(toCreateTableInput(definition)));
      outcome = 'created';
    } catch (error) {
      // Someone else created it between our describe and create: fine.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    table = await describeTable(client, definition.tableName);
  }
  for (let poll = 0; table?.TableStatus !== 'ACTIVE'; poll++) {
    if (poll >= TABLE_ACTIVE_POLLS) {
      throw new Error(`Table ${definition.tableName} did not become ACTIVE (status ${table?.TableStatus})`);
    }
    await new Promise((resolve) => setTimeout(resolve, TABLE_ACTIVE_POLL_MS));
    table = await describeTable(client, definition.tableName);
  }
  assertSameShape(table, definition);
  return outcome;
}

async function describeTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

function assertSameShape(table: TableDescription, definition: TableDefinition): void {
  const expected = toCreateTableInput(definition);
  const keysOf = (schema: { AttributeName?: string; KeyType?: string }[] | undefined) =>
    (schema ?? []).map((key) => `${key.AttributeName}:${key.KeyType}`).join(',');
  const indexesOf = (
    indexes: { IndexName?: string; KeySchema?: { AttributeName?: string; KeyType?: string }[] }[],
  ) =>
    indexes
      .map((index) => `${index.IndexName}(${keysOf(index.KeySchema)})`)
      .sort()
      .join(';');
  const actualShape = `${keysOf(table.KeySchema)} ${indexesOf(table.GlobalSecondaryIndexes ?? [])}`;
  const expectedShape = `${keysOf(expected.KeySchema)} ${indexesOf(expected.GlobalSecondaryIndexes ?? [])}`;
  if (actualShape !== expectedShape) {
    throw new Error(
      `Table ${definition.tableName} exists with another shape: ${actualShape} (expected ${expectedShape})`,
    );
  }
}
