/** Puts notifications on the notifications queue (SendMessageBatch, ten at a time). */
import type { NotificationMessage } from '../../schemas/notification.js';
import { config } from '../core/config.js';
import { sendJsonMessages } from '../core/queue-send.js';

export async function enqueueNotifications(messages: readonly NotificationMessage[]): Promise<void> {
  const QueueUrl = config().NOTIFICATIONS_QUEUE_URL;
  if (!QueueUrl) throw new Error('NOTIFICATIONS_QUEUE_URL is not set');
  await sendJsonMessages(QueueUrl, messages, 'the notifications queue');
}
