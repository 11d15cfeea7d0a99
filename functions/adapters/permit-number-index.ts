import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './document-client.ts';

/*
 * Which person holds each residence permit number, in the shared table (README "The shared store"):
 *   permit item  pk PERMIT#<permitKey>  sk HOLDER   personKey, boundAt
 * `permitKey` is a keyed hash of the number (domain/person-key.ts permitKeyOf), never the number: a permit
 * number identifies its holder as an ID number does. One conditional put binds a number to its holder for good,
 * so the same number can never name two people; verification by number reads it (one GetItem).
 */

export const PERMIT_HOLDER_SK = 'HOLDER';
export const permitPk = (permitKey: string): string => `PERMIT#${permitKey}`;

export class PermitNumberIndex {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#doc = documentClient(client);
    this.#table = tableName;
  }

  /**
   * Binds the number to the person unless it is bound to someone else; returns the holder it is bound to
   * (`personKey` itself when the bind held). Repeating a bind is harmless.
   */
  async bind(permitKey: string, personKey: string, at: string): Promise<string> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: { pk: permitPk(permitKey), sk: PERMIT_HOLDER_SK, personKey, boundAt: at },
          ConditionExpression: 'attribute_not_exists(pk) OR personKey = :personKey',
          ExpressionAttributeValues: { ':personKey': personKey },
        }),
      );
      return personKey;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.holderOf(permitKey)) ?? personKey;
    }
  }

  /** The personKey of the number's holder, if the number was ever issued through the hub. */
  async holderOf(permitKey: string): Promise<string | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({
        TableName: this.#table,
        Key: { pk: permitPk(permitKey), sk: PERMIT_HOLDER_SK },
        ConsistentRead: true,
      }),
    );
    return typeof Item?.personKey === 'string' ? Item.personKey : undefined;
  }
}
