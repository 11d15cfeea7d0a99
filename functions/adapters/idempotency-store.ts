import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Attribute names of the idempotency table: its partition key and the epoch-seconds expiry DynamoDB's TTL
 * reads. The local table definition and the CDK construct use the same names.
 */
export const IDEMPOTENCY_ATTRIBUTES = { key: 'id', expiry: 'expiration' } as const;

/** Powertools' DynamoDB persistence over the idempotency table (Get/Put/Update/DeleteItem, no transactions). */
export function idempotencyPersistence(client: DynamoDBClient, tableName: string): DynamoDBPersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName,
    awsSdkV3Client: client,
    keyAttr: IDEMPOTENCY_ATTRIBUTES.key,
    expiryAttr: IDEMPOTENCY_ATTRIBUTES.expiry,
  });
}
