/**
 * The notifier drains the notifications queue: each message goes to its channel once (a marker item
 * makes redeliveries no-ops), failures are reported per message so only they come back, and a message
 * that keeps failing ends in the DLQ after NOTIFICATIONS.maxReceiveCount receives.
 *
 * A provider refusing for load (SNS over the account's SMS rate, SES over its sending rate: a national
 * peak sends thousands a second) is not the message's fault: the message comes back after a backoff with
 * jitter, and on its last receive it is parked as a fresh copy, delayed, up to NOTIFICATIONS.maxParks
 * times, so a citizen's notice waits out the peak in the queue instead of ending in the DLQ.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ChangeMessageVisibilityCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isThrottlingError } from '@smithy/service-error-classification';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { type NotificationMessage, notificationMessage } from '../../schemas/notification.js';
import { fullJitterDelaySeconds } from '../core/backoff.js';
import { dynamo, sqsClient } from '../core/clients.js';
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

/** How a message refused for load comes back: later, or as a fresh copy on its last receive. */
export interface RequeuePorts {
  /** The message becomes visible again after `seconds`. */
  later(r: SQSRecord, seconds: number): Promise<void>;
  /** A copy of the message, visible after `seconds`, that has been parked `parked` times. */
  park(r: SQSRecord, seconds: number, parked: number): Promise<void>;
}

/** Times a message has been parked, from its message attribute (0 for one never parked). */
const parkedOf = (r: SQSRecord) => Number(r.messageAttributes?.parked?.stringValue ?? 0) || 0;

/**
 * What to do with a message its provider refused for load: 'later' (it comes back after the delay,
 * counting a receive), 'park' (a fresh copy is queued and this one is done), or 'fail' (it has waited
 * long enough; the DLQ takes it). The delay grows with every receive and park, capped at 15 minutes.
 */
export function throttledRetry(
  receiveCount: number,
  parked: number,
  random = Math.random,
  scale = 1,
): { action: 'later' | 'park'; seconds: number } | { action: 'fail' } {
  const attempt = parked * NOTIFICATIONS.maxReceiveCount + receiveCount;
  const jittered = fullJitterDelaySeconds(
    attempt,
    NOTIFICATIONS.throttledBaseSeconds,
    NOTIFICATIONS.throttledCapSeconds,
    random,
  );
  const seconds = scale === 1 ? jittered : Math.round(jittered * scale);
  // Parked one receive before the last: the receive count SQS reports is approximate.
  if (receiveCount < NOTIFICATIONS.maxReceiveCount - 1) return { action: 'later', seconds };
  if (parked < NOTIFICATIONS.maxParks) return { action: 'park', seconds };
  return { action: 'fail' };
}

/** Sends one queued notification; throws to have it retried (and, in the end, dead-lettered). */
export async function notifyRecord(r: SQSRecord, ports: NotifierPorts, requeue: RequeuePorts): Promise<void> {
  const parsed = notificationMessage.safeParse(JSON.parse(r.body));
  // A malformed message fails every receive and so ends in the DLQ, where operators can see it.
  if (!parsed.success) throw new Error(`malformed notification ${r.messageId}`);
  const receiveCount = Number(r.attributes.ApproximateReceiveCount) || 1;
  const fields = { id: parsed.data.id, channel: parsed.data.channel, receiveCount };
  try {
    await deliverNotification(ports, parsed.data);
  } catch (err) {
    if (isThrottlingError(err as Parameters<typeof isThrottlingError>[0])) {
      const parked = parkedOf(r);
      const next = throttledRetry(receiveCount, parked, Math.random, config().NOTIFY_BACKOFF_SCALE);
      if (next.action === 'park') {
        await requeue.park(r, next.seconds, parked + 1);
        logger.warn('notification refused for load; parked', { ...fields, parked: parked + 1, ...next });
        return;
      }
      if (next.action === 'later') {
        await requeue.later(r, next.seconds);
        logger.warn('notification refused for load; it will come back', { ...fields, ...next });
        throw err;
      }
    }
    logger.warn('notification not sent; it will be retried', { ...fields, error: (err as Error).name });
    throw err;
  }
}

/** The notifications queue itself: the record's own queue, by the configured URL. */
function queueRequeue(): RequeuePorts {
  const QueueUrl = config().NOTIFICATIONS_QUEUE_URL;
  if (!QueueUrl) throw new Error('NOTIFICATIONS_QUEUE_URL is not set');
  return {
    async later(r, seconds) {
      await sqsClient().send(
        new ChangeMessageVisibilityCommand({
          QueueUrl,
          ReceiptHandle: r.receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    },
    async park(r, seconds, parked) {
      await sqsClient().send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: r.body,
          DelaySeconds: seconds,
          MessageAttributes: { parked: { DataType: 'Number', StringValue: String(parked) } },
        }),
      );
    },
  };
}

const processor = new BatchProcessor(EventType.SQS);
let ports: NotifierPorts | undefined;
let requeue: RequeuePorts | undefined;

async function record(r: SQSRecord): Promise<void> {
  ports ??= { ...sentStore(), transport: transportFromConfig() };
  requeue ??= queueRequeue();
  await notifyRecord(r, ports, requeue);
}

export const handler = withCorrelation(async (event: SQSEvent) =>
  processPartialResponse(event, record, processor, { throwOnFullBatchFailure: false }),
);
