/**
 * The notifier drains the notifications queue: each message goes to its channel once (a marker item
 * makes redeliveries no-ops), failures are reported per message so only they come back, and a message
 * that keeps failing ends in the DLQ after NOTIFICATIONS.maxReceiveCount receives.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { type NotificationMessage, notificationMessage } from '../../schemas/notification.js';
import { dynamo } from '../core/clients.js';
import { config } from '../core/config.js';
import { keys, ttlAfterDays } from '../core/keys.js';
import { logger, withCorrelation } from '../core/logger.js';
import { NOTIFICATIONS } from '../core/resources.js';
import { maskRecipient } from './recipients.js';
import { type NotificationTransport, transportFromConfig } from './transports.js';

export interface NotifierPorts {
  transport: NotificationTransport;
  wasSent(id: string): Promise<boolean>;
  markSent(m: NotificationMessage, at: string): Promise<void>;
  now(): Date;
}

export async function deliverNotification(
  ports: NotifierPorts,
  m: NotificationMessage,
): Promise<'sent' | 'duplicate'> {
  if (await ports.wasSent(m.id)) return 'duplicate';
  await ports.transport.send(m);
  await ports.markSent(m, ports.now().toISOString());
  logger.info('notification sent', {
    id: m.id,
    channel: m.channel,
    to: maskRecipient(m.channel, m.to),
    dossierCode: m.dossierCode,
    topic: m.topic,
  });
  return 'sent';
}

function sentStore(): Omit<NotifierPorts, 'transport'> {
  const TableName = config().TABLE_NAME;
  const db = dynamo();
  return {
    now: () => new Date(),
    async wasSent(id) {
      const out = await db.send(
        new GetCommand({ TableName, Key: keys.notificationSent(id), ConsistentRead: true }),
      );
      return out.Item !== undefined;
    },
    async markSent(m, at) {
      try {
        await db.send(
          new PutCommand({
            TableName,
            Item: {
              ...keys.notificationSent(m.id),
              kind: 'notification-sent',
              channel: m.channel,
              dossierCode: m.dossierCode,
              at,
              ttl: ttlAfterDays(NOTIFICATIONS.sentMarkerDays),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    },
  };
}

const processor = new BatchProcessor(EventType.SQS);
let ports: NotifierPorts | undefined;

async function record(r: SQSRecord): Promise<void> {
  ports ??= { ...sentStore(), transport: transportFromConfig() };
  const parsed = notificationMessage.safeParse(JSON.parse(r.body));
  // A malformed message fails every receive and so ends in the DLQ, where operators can see it.
  if (!parsed.success) throw new Error(`malformed notification ${r.messageId}`);
  try {
    await deliverNotification(ports, parsed.data);
  } catch (err) {
    logger.warn('notification not sent; it will be retried', {
      id: parsed.data.id,
      channel: parsed.data.channel,
      receiveCount: r.attributes.ApproximateReceiveCount,
      error: (err as Error).name,
    });
    throw err;
  }
}

export const handler = withCorrelation(async (event: SQSEvent) =>
  processPartialResponse(event, record, processor, { throwOnFullBatchFailure: false }),
);
