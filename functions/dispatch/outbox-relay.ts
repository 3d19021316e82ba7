/**
 * The outbox relay: the table stream hands it every outbox item written together with new dossiers,
 * and it forwards the item's messages to the agency channel's queue. A failed send reports that stream
 * record as failed so it is retried (bounded, then the stream's DLQ); resending is harmless because the
 * dispatcher skips webhooks already delivered.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { config } from '../core/config.js';
import { logger, withCorrelation } from '../core/logger.js';
import { sendJsonMessages } from '../core/queue-send.js';
import { OUTBOX } from '../core/resources.js';
import { type QueueMessage, subjectOf } from '../dossiers/messages.js';
import { readOutboxItem } from '../dossiers/outbox.js';

const processor = new BatchProcessor(EventType.DynamoDBStreams);

/** The same predicate the CDK event filter expresses; kept here too so a broad mapping is harmless. */
export function isOutboxInsert(record: DynamoDBRecord): boolean {
  const pk = record.dynamodb?.NewImage?.pk?.S;
  return record.eventName === 'INSERT' && typeof pk === 'string' && pk.startsWith(OUTBOX.pkPrefix);
}

/** Sends one channel's messages to its queue. */
async function sendToChannel(channel: string, messages: readonly QueueMessage[]) {
  const QueueUrl = config().AGENCY_QUEUE_URLS[channel];
  if (!QueueUrl) throw new Error(`no queue for channel ${channel}`);
  await sendJsonMessages(QueueUrl, messages, channel);
}

async function relay(record: DynamoDBRecord): Promise<void> {
  if (!isOutboxInsert(record)) return;
  // Parsed with the contract the dispatcher reads: a malformed item fails here, before any queue sees it.
  const item = readOutboxItem(unmarshall(record.dynamodb!.NewImage as Record<string, AttributeValue>));
  // One item may announce dossiers for many agencies (a notice to every province): one batch per channel.
  const byChannel = new Map<string, QueueMessage[]>();
  for (const m of item.messages) {
    const channel = m.channel ?? item.channel;
    if (!channel) throw new Error(`outbox message for ${subjectOf(m)} names no channel`);
    byChannel.set(channel, [...(byChannel.get(channel) ?? []), m]);
  }
  await Promise.all([...byChannel].map(([channel, messages]) => sendToChannel(channel, messages)));
  logger.info('outbox relayed', { channels: byChannel.size, messages: item.messages.length });
}

export const handler = withCorrelation(async (event: DynamoDBStreamEvent) =>
  processPartialResponse(event, relay, processor, { throwOnFullBatchFailure: false }),
);
