import { S3ImportFiles } from '../adapters/import-files.ts';
import { ImportStore } from '../adapters/import-store.ts';
import { dynamoDb, s3 } from '../runtime/clients.ts';
import { requiredEnv } from '../runtime/env.ts';
import { createImportsHandler } from './handler.ts';

// Lambda entry point of the imports API: configuration from the environment, read once at cold start.
export const handler = createImportsHandler({
  imports: new ImportStore(dynamoDb, requiredEnv('IMPORTS_TABLE_NAME')),
  files: new S3ImportFiles(s3, requiredEnv('IMPORTS_BUCKET_NAME')),
  iamSubmitters: JSON.parse(process.env.IAM_SUBMITTERS ?? '{}'),
});
