/**
 * SQS consumer for the agency queues: delivers each dossier to its agency and reports partial batch
 * failures. A failed message is hidden for its backoff delay (ChangeMessageVisibility) before the
 * queue offers it again; after maxReceiveCount attempts the queue moves it to the agency's DLQ.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { agencySecrets } from '../core/agency-secrets.js';
import { fullJitterDelaySeconds, parseRetryAfter } from '../core/backoff.js';
import { sqsClient } from '../core/clients.js';
import { config } from '../core/config.js';
import { logger } from '../core/logger.js';
import { DISPATCH } from '../core/resources.js';
import { DeliveryFailed, deliver } from './deliver.js';
import { deliveryStore } from './store.js';

const dispatchMessage = z.object({
  type: z.literal('dossier.submitted'),
  dossierCode: z.string(),
  agencyId: z.string(),
  webhookId: z.string(),
});

const processor = new BatchProcessor(EventType.SQS);
let ports: ReturnType<typeof deliveryStore> | undefined;

/** The queue URL of a record, from the configured channel URLs (the ARN names the queue). */
function queueUrlOf(record: SQSRecord): string | undefined {
  const name = record.eventSourceARN.split(':').at(-1);
  return Object.values(config().AGENCY_QUEUE_URLS).find((url) => url.split('/').at(-1) === name);
}

async function backOff(record: SQSRecord, attempt: number, retryAfter?: string | null) {
  const url = queueUrlOf(record);
  if (!url) return;
  const delay = Math.min(
    parseRetryAfter(retryAfter) ??
      fullJitterDelaySeconds(attempt, DISPATCH.backoffBaseSeconds, DISPATCH.backoffCapSeconds),
    DISPATCH.backoffCapSeconds,
  );
  await sqsClient().send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: url,
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: delay,
    }),
  );
}

async function handleRecord(record: SQSRecord): Promise<void> {
  ports ??= deliveryStore(agencySecrets);
  const attempt = Number(record.attributes.ApproximateReceiveCount ?? '1');
  const parsed = dispatchMessage.safeParse(JSON.parse(record.body));
  if (!parsed.success) {
    // Not retryable, but kept: after maxReceiveCount it rests in the DLQ for an operator to inspect.
    logger.error('malformed dispatch message', { messageId: record.messageId });
    throw new Error('malformed dispatch message');
  }
  try {
    const outcome = await deliver(ports, parsed.data, attempt);
    logger.info('dispatch', {
      dossierCode: parsed.data.dossierCode,
      agencyId: parsed.data.agencyId,
      outcome,
      attempt,
    });
  } catch (err) {
    if (!(err instanceof DeliveryFailed)) throw err;
    logger.warn('dispatch failed', { dossierCode: parsed.data.dossierCode, attempt, error: err.message });
    await backOff(record, attempt, err.retryAfter);
    throw err;
  }
}

export const handler = async (event: SQSEvent) =>
  processPartialResponse(event, handleRecord, processor, { throwOnFullBatchFailure: false });
