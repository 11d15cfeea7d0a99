import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

// The hub's single table, described once. The local hub creates it from here (ensureTable),
// the store code reads the key and index names from here, and the CDK construct mirrors it.

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N' | 'B';
}

export interface GlobalIndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly projection: 'ALL';
}

export interface TableDefinition {
  readonly tableName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly globalSecondaryIndexes: readonly GlobalIndexDefinition[];
  readonly billingMode: 'PAY_PER_REQUEST';
  /** What the stream carries; the local hub's stream tap always delivers both images. */
  readonly streamViewType: 'NEW_AND_OLD_IMAGES';
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
      projection: 'ALL',
    },
  ],
  billingMode: 'PAY_PER_REQUEST',
  streamViewType: 'NEW_AND_OLD_IMAGES',
};

/** The CreateTable request for a definition (DynamoDB's wire shape). */
export function toCreateTableInput(definition: TableDefinition): CreateTableCommandInput {
  const keyAttributes = [
    definition.partitionKey,
    definition.sortKey,
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
      { AttributeName: definition.sortKey.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: index.projection },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: definition.streamViewType },
  };
}
