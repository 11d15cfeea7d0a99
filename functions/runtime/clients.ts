import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

// Created once per function instance. Endpoints come from the SDK's standard settings, so the local hub
// only sets AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_EVENTBRIDGE and the same code runs against it.
export const dynamoDb = new DynamoDBClient({});
export const eventBridge = new EventBridgeClient({});
export const s3 = new S3Client({});
export const sqs = new SQSClient({});
