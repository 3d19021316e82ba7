/** Puts notifications on the notifications queue (SendMessageBatch, ten at a time). */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { NotificationMessage } from '../../schemas/notification.js';
import { sqsClient } from '../core/clients.js';
import { config } from '../core/config.js';

const SQS_BATCH = 10;

export async function enqueueNotifications(messages: readonly NotificationMessage[]): Promise<void> {
  const QueueUrl = config().NOTIFICATIONS_QUEUE_URL;
  if (!QueueUrl) throw new Error('NOTIFICATIONS_QUEUE_URL is not set');
  for (let i = 0; i < messages.length; i += SQS_BATCH) {
    const chunk = messages.slice(i, i + SQS_BATCH);
    const out = await sqsClient().send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: chunk.map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m) })),
      }),
    );
    if (out.Failed?.length) throw new Error(`${out.Failed.length} notifications not accepted by the queue`);
  }
}
