/** Sending JSON messages to one SQS queue, ten per call (SendMessageBatch's limit). */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { sqsClient } from './clients.js';

const SQS_BATCH = 10;

/** Throws if the queue refuses any message, so the caller's batch item is retried as a whole. */
export async function sendJsonMessages(
  QueueUrl: string,
  messages: readonly unknown[],
  what: string,
): Promise<void> {
  for (let i = 0; i < messages.length; i += SQS_BATCH) {
    const chunk = messages.slice(i, i + SQS_BATCH);
    const out = await sqsClient().send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: chunk.map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m) })),
      }),
    );
    if (out.Failed?.length) throw new Error(`${out.Failed.length} messages not accepted by ${what}`);
  }
}
