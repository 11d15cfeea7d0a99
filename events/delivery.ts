/*
 * How a department's queue delivers its messages: the facts a consumer builds on (how long it has to process a
 * message, how often a failing one comes back, how long an unread one is kept). The CDK queue construct, the
 * local hub and the AsyncAPI documents' SQS bindings all read them here.
 */
export const QUEUE_DELIVERY = {
  /** Seconds a received message stays hidden before it is delivered again; a stage may set it per department. */
  visibilityTimeoutSeconds: 300,
  /** Receives after which a message moves to the dead-letter queue `<queue>-dlq`. */
  maxReceiveCount: 5,
  /** Seconds SQS keeps a message (queue and dead-letter queue): 14 days, the most SQS allows. */
  retentionSeconds: 14 * 24 * 60 * 60,
  /** The long-polling wait a consumer should ask for (the most SQS allows). */
  receiveWaitSeconds: 20,
} as const;
