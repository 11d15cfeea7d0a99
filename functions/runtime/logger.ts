import { Logger } from '@aws-lambda-powertools/logger';

/** One logger per function instance. Log codes, counts and keys only: never personal data. */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'residence-data-hub',
});
