import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import {
  ACTIVITY_PK,
  ACTIVITY_SK,
  IMPORTS_ACTIVITY_INDEX,
  IMPORTS_TTL_ATTRIBUTE,
} from '#functions/adapters/import-store.ts';

// The hub's tables, described once: the record table, the idempotency table and the imports table. The local hub creates
// them from here (ensureTable) and the CDK constructs mirror them.

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N' | 'B';
}

export interface GlobalIndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly projection: 'ALL' | 'KEYS_ONLY';
}

export interface TableDefinition {
  readonly tableName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalSecondaryIndexes: readonly GlobalIndexDefinition[];
  readonly billingMode: 'PAY_PER_REQUEST';
  /** What the stream carries; the local hub's stream tap always delivers both images. No stream when omitted. */
  readonly streamViewType?: 'NEW_AND_OLD_IMAGES';
  /** Epoch-seconds attribute DynamoDB's TTL deletes by (in AWS; dynalite has no TTL). */
  readonly timeToLiveAttribute?: string;
}

export const GSI1 = 'gsi1';

export const RECORDS_TABLE: TableDefinition = {
  tableName: 'records',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: GSI1,
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
      // Look-ups need ids only (then read the items consistently): a keys-only index costs one write unit
      // when an item enters it and none when a new version leaves its keys as they were.
      projection: 'KEYS_ONLY',
    },
  ],
  billingMode: 'PAY_PER_REQUEST',
  streamViewType: 'NEW_AND_OLD_IMAGES',
};

/**
 * Powertools idempotency records (functions/adapters/idempotency-store.ts): one item per submitter + Idempotency-Key.
 * Without TTL locally, an expired item stays until the next request with its key overwrites it.
 */
export const IDEMPOTENCY_TABLE: TableDefinition = {
  tableName: 'idempotency',
  partitionKey: { name: 'id', type: 'S' },
  globalSecondaryIndexes: [],
  billingMode: 'PAY_PER_REQUEST',
  timeToLiveAttribute: 'expiration',
};

/**
 * Bulk imports (functions/adapters/import-store.ts): a status item per import, an item per chunk of error
 * report lines, and the keys-only activity index (imports queued or running, finished by day). Without TTL
 * locally, expired imports stay.
 */
export const IMPORTS_TABLE: TableDefinition = {
  tableName: 'imports',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: IMPORTS_ACTIVITY_INDEX,
      partitionKey: { name: ACTIVITY_PK, type: 'S' },
      sortKey: { name: ACTIVITY_SK, type: 'S' },
      projection: 'KEYS_ONLY',
    },
  ],
  billingMode: 'PAY_PER_REQUEST',
  timeToLiveAttribute: IMPORTS_TTL_ATTRIBUTE,
};

/** The CreateTable request for a definition (DynamoDB's wire shape). */
export function toCreateTableInput(definition: TableDefinition): CreateTableCommandInput {
  const keyAttributes = [
    definition.partitionKey,
    ...(definition.sortKey ? [definition.sortKey] : []),
    ...definition.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  const attributeTypes = new Map(keyAttributes.map((attribute) => [attribute.name, attribute.type]));
  return {
    TableName: definition.tableName,
    BillingMode: definition.billingMode,
    AttributeDefinitions: [...attributeTypes].map(([name, type]) => ({
      AttributeName: name,
      AttributeType: type,
    })),
    KeySchema: [
      { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
      ...(definition.sortKey ? [{ AttributeName: definition.sortKey.name, KeyType: 'RANGE' as const }] : []),
    ],
    ...(definition.globalSecondaryIndexes.length > 0 && {
      GlobalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: index.projection },
      })),
    }),
    ...(definition.streamViewType && {
      StreamSpecification: { StreamEnabled: true, StreamViewType: definition.streamViewType },
    }),
  };
}
