import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { S3ImportFiles } from '../adapters/import-files.ts';
import { ImportStore } from '../adapters/import-store.ts';
import { LateReportCounter } from '../adapters/late-report-counter.ts';
import { PermitNumberIndex } from '../adapters/permit-number-index.ts';
import { RecordStore } from '../adapters/record-store.ts';
import { loadPersonKeySecret } from '../adapters/secrets.ts';
import { dynamoDb, s3, sqs } from '../runtime/clients.ts';
import { derivedConfigFromEnv } from '../runtime/derived-config.ts';
import { requiredEnv } from '../runtime/env.ts';
import { createImportWorker } from './worker.ts';

// Lambda entry point of the import worker (SQS event source on the job queue), read once at cold start.
const tableName = requiredEnv('TABLE_NAME');
const jobQueueUrl = requiredEnv('IMPORT_JOBS_QUEUE_URL');
export const handler = createImportWorker({
  imports: new ImportStore(dynamoDb, requiredEnv('IMPORTS_TABLE_NAME')),
  files: new S3ImportFiles(s3, requiredEnv('IMPORTS_BUCKET_NAME')),
  ingest: {
    store: new RecordStore(dynamoDb, tableName),
    personKeySecret: await loadPersonKeySecret(),
    lateReports: {
      config: derivedConfigFromEnv().lateReport,
      counter: new LateReportCounter(dynamoDb, tableName),
    },
    // A permit imported from a register binds its number as one submitted does.
    permitNumbers: new PermitNumberIndex(dynamoDb, tableName),
  },
  jobs: {
    resume: async (importId) => {
      await sqs.send(
        new SendMessageCommand({ QueueUrl: jobQueueUrl, MessageBody: JSON.stringify({ importId }) }),
      );
    },
  },
});
