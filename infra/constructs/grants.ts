import { type CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Read/write on the record table (and its person index) plus use of its customer-managed key, with the
 * cdk-nag findings this grant produces acknowledged one by one, each with its reason.
 */
export function grantRecordTableReadWrite(table: dynamodb.Table, role: iam.Role): void {
  grantTableReadWrite(table, role, ...RECORD_TABLE);
}

/** Read/write on a table with indexes and its customer-managed key, the findings acknowledged. */
export function grantTableReadWrite(
  table: dynamodb.Table,
  role: iam.Role,
  what: string,
  index: string,
): void {
  table.grantReadWriteData(role);
  acknowledgeTableGrant(table, role, [what, index]);
}

/** Read-only access to the record table (and its person index) and its key, acknowledged likewise. */
export function grantRecordTableRead(table: dynamodb.Table, role: iam.Role): void {
  grantTableRead(table, role, ...RECORD_TABLE);
}

/** Read-only access to a table with indexes and its customer-managed key, the findings acknowledged. */
export function grantTableRead(table: dynamodb.Table, role: iam.Role, what: string, index: string): void {
  table.grantReadData(role);
  acknowledgeTableGrant(table, role, [what, index]);
}

const RECORD_TABLE = ['the record table', 'person index (gsi1)'] as const;

function acknowledgeTableGrant(
  table: dynamodb.Table,
  role: iam.Role,
  [what, index]: readonly [string, string],
): void {
  const tableLogicalId = Stack.of(table).resolve((table.node.defaultChild as CfnResource).logicalId);
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${tableLogicalId}.Arn>/index/*]`,
    reason: `Queries ${what}'s own ${index}; the wildcard is limited to this table's indexes.`,
  });
  acknowledgeKeyUse(role, what);
}

/**
 * `grantEncryptDecrypt`-style grants name `kms:GenerateDataKey*` and `kms:ReEncrypt*`; they apply to one
 * customer-managed key, which the service (DynamoDB, SQS) uses on the caller's behalf.
 */
export function acknowledgeKeyUse(role: iam.Role, what: string): void {
  for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: `${action} is granted on the single customer-managed key of ${what}, used through that service only.`,
    });
  }
}

/** A stream event source mapping's role lists streams, which has no resource-level permissions. */
export function acknowledgeStreamListing(role: iam.Role): void {
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'dynamodb:ListStreams has no resource-level permissions (Lambda event source mapping requirement)' +
      '; X-Ray trace upload neither, when tracing is on.',
  });
}
