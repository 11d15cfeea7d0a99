import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/**
 * Receives and deletes everything currently in a queue: stops at the first empty receive (the hub has settled
 * before this is called, so an empty receive means the queue is empty).
 */
export async function takeAllMessages(client: SQSClient, queueUrl: string): Promise<Message[]> {
  const taken: Message[] = [];
  for (;;) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return taken;
    taken.push(...Messages);
    await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    );
  }
}

/** Asks a running local hub to finish delivering everything stored so far. */
export async function settleHub(apiUrl: string): Promise<void> {
  const response = await fetch(`${apiUrl}/_local/settle`, { method: 'POST' });
  if (response.status !== 204) throw new Error(`settle failed: HTTP ${response.status}`);
}
