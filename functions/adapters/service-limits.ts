/*
 * Per-request limits of the AWS APIs the hub calls, from each API's reference (the same in the China regions).
 * The adapters split their batches by these; the local hub's emulators refuse what AWS refuses.
 */

/** EventBridge PutEvents: entries per call. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
/** SQS SendMessageBatch and DeleteMessageBatch: entries per call; ReceiveMessage: MaxNumberOfMessages. */
export const SQS_BATCH_MAX_ENTRIES = 10;
/** DynamoDB BatchWriteItem: put or delete requests per call. */
export const BATCH_WRITE_ITEM_MAX_REQUESTS = 25;
/** DynamoDB BatchGetItem: keys per call. */
export const BATCH_GET_ITEM_MAX_KEYS = 100;
