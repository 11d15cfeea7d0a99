import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AUDITED_OPERATIONS } from '#api/query-api.ts';
import { documentClient } from './document-client.ts';

export type AuditedOperation = (typeof AUDITED_OPERATIONS)[number];

/*
 * The look-up audit trail (PIPL: record who received what), in the shared table:
 *   audit item  pk AUDIT#<department>  sk <ISO time>#<uuid>
 *     at, department, submitterId, personKey, found, operation, fields (the paths returned), requestId
 * Never the clear ID number: the person is named by personKey only. Entries are only ever added.
 */

export const auditPk = (department: string): string => `AUDIT#${department}`;

export interface AuditEntry {
  /** ISO timestamp of the look-up. */
  at: string;
  department: string;
  /** Who asked: the caller's submitter id. */
  submitterId: string;
  personKey: string;
  /** Whether a profile (look-up) or a permit (verification) was found (a miss is audited too). */
  found: boolean;
  /**
   * Which read: a look-up (POST /v1/persons/lookup) or a verification (POST /v1/permits/verify); always
   * written now, absent on entries written before verifications existed (they are look-ups).
   */
  operation?: AuditedOperation;
  /** The paths of the fields returned (department-view.ts returnedFields); empty for a miss. */
  fields: string[];
  /** The API request id, to match the entry with access logs. */
  requestId?: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

export interface AuditQuery {
  /** First moment to include: an ISO timestamp or a `YYYY-MM-DD` day. */
  from: string;
  /** Last moment to include (a day includes all of it). @default the end of time */
  to?: string;
  /** @default 100 */
  limit?: number;
  cursor?: string;
}

const END_OF_KEY = '\uffff';

/**
 * The sort keys a query reads, from its first moment to the end of its last (a day includes all of it).
 * Empty when `from` comes after it: DynamoDB refuses such a range, so callers check first.
 */
export function auditKeyRange(query: Pick<AuditQuery, 'from' | 'to'>): { from: string; to: string } {
  return { from: query.from, to: `${query.to ?? ''}${END_OF_KEY}` };
}

export class AuditStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#doc = documentClient(client);
    this.#table = tableName;
  }

  async append(entry: AuditEntry): Promise<void> {
    await this.#doc.send(
      new PutCommand({
        TableName: this.#table,
        Item: { pk: auditPk(entry.department), sk: `${entry.at}#${randomUUID()}`, ...entry },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** A department's entries from `from` to `to`, oldest first. */
  async list(department: string, query: AuditQuery): Promise<AuditPage> {
    const range = auditKeyRange(query);
    const out = await this.#doc.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': auditPk(department), ':from': range.from, ':to': range.to },
        ConsistentRead: true,
        Limit: query.limit ?? 100,
        ...(query.cursor === undefined
          ? {}
          : { ExclusiveStartKey: { pk: auditPk(department), sk: decodeCursor(query.cursor) } }),
      }),
    );
    const entries = (out.Items ?? []).map(({ pk: _pk, sk: _sk, ...entry }) => entry as AuditEntry);
    const last = out.LastEvaluatedKey?.sk;
    return { entries, ...(typeof last === 'string' ? { nextCursor: encodeCursor(last) } : {}) };
  }
}

const encodeCursor = (sk: string): string => Buffer.from(sk, 'utf8').toString('base64url');

/** Throws RangeError for a cursor this store never issued. */
export function decodeCursor(cursor: string): string {
  const sk = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^\d{4}-\d{2}-\d{2}T[\d:.]+Z#[0-9a-f-]{36}$/.test(sk)) throw new RangeError('not an audit cursor');
  return sk;
}
