/**
 * SQS consumer for the agency queues: delivers each dossier to its agency and reports partial batch
 * failures. A failed message is hidden for its backoff delay (ChangeMessageVisibility) before the
 * queue offers it again; after maxReceiveCount attempts the queue moves it to the agency's DLQ.
 * A 410 Gone pauses the agency and raises the `agency_endpoint_gone` alarm (a metric filter on this
 * log). Messages for a paused agency wait at the longest backoff and so reach the DLQ within
 * maxReceiveCount × backoffCapSeconds, bounded, to be redriven once an operator resumes the agency.
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
import { deliverPetition, type PetitionDeliveryPorts } from '../petitions/deliver.js';
import { petitionDeliveryStore } from '../petitions/delivery-store.js';
import { DeliveryFailed, deliver, type FailureKind } from './deliver.js';
import { deliveryStore } from './store.js';

const dispatchMessage = z.object({
  type: z.enum(['dossier.submitted', 'dossier.supplemented', 'dossier.withdrawn']),
  dossierCode: z.string(),
  seq: z.number().int().positive().optional(),
  agencyId: z.string(),
  webhookId: z.string(),
});

/** A petition handed to an agency (functions/petitions/deliver.ts). */
const petitionMessage = z.object({
  type: z.literal('petition.created'),
  petitionCode: z.string(),
  agencyId: z.string(),
  webhookId: z.string(),
  routing: z.enum(['submitted', 'reassigned', 'escalated']).optional(),
  fromAgencyId: z.string().optional(),
});

let ports: ReturnType<typeof deliveryStore> | undefined;
let petitionPorts: PetitionDeliveryPorts | undefined;

/** The queue URL of a record, from the configured channel URLs (the ARN names the queue). */
function queueUrlOf(record: SQSRecord): string | undefined {
  const name = record.eventSourceARN.split(':').at(-1);
  return Object.values(config().AGENCY_QUEUE_URLS).find((url) => url.split('/').at(-1) === name);
}

/** Seconds until the queue offers the message again: the agency's Retry-After, else scaled backoff. */
export function retryDelaySeconds(
  kind: FailureKind,
  attempt: number,
  retryAfter: string | null | undefined,
  scale: number,
  random = Math.random,
): number {
  const cap = DISPATCH.backoffCapSeconds;
  const asked = kind === 'failed' ? parseRetryAfter(retryAfter) : undefined;
  if (asked !== undefined) return Math.min(asked, cap);
  const backoff =
    kind === 'failed' ? fullJitterDelaySeconds(attempt, DISPATCH.backoffBaseSeconds, cap, random) : cap;
  return Math.min(cap, Math.max(0, Math.round(backoff * scale)));
}

async function backOff(record: SQSRecord, attempt: number, failure: DeliveryFailed) {
  const url = queueUrlOf(record);
  if (!url) return;
  const delay = retryDelaySeconds(failure.kind, attempt, failure.retryAfter, config().DISPATCH_BACKOFF_SCALE);
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
  const body = JSON.parse(record.body) as { type?: unknown };
  if (body?.type === 'petition.created') return handlePetition(record, body, attempt);
  const parsed = dispatchMessage.safeParse(body);
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
    await failedDelivery(record, attempt, err, {
      dossierCode: parsed.data.dossierCode,
      agencyId: parsed.data.agencyId,
      attempt,
    });
  }
}

/**
 * A delivery that did not go through, dossier's or petition's: logged by kind (the 410 pause raises the
 * alarm), the message's visibility backed off, and the record reported failed to the batch.
 */
async function failedDelivery(
  record: SQSRecord,
  attempt: number,
  err: unknown,
  fields: Record<string, unknown>,
): Promise<never> {
  if (!(err instanceof DeliveryFailed)) throw err;
  if (err.kind === 'gone' && err.paused) {
    // The metric filter matches this field; changing it silences the alarm.
    logger.error('agency endpoint gone: deliveries paused', { ...fields, alarm: 'agency_endpoint_gone' });
  } else if (err.kind === 'paused') {
    logger.info('dispatch held: agency paused', fields);
  } else {
    logger.warn('dispatch failed', { ...fields, kind: err.kind, error: err.message });
  }
  await backOff(record, attempt, err);
  throw err;
}

async function handlePetition(record: SQSRecord, body: unknown, attempt: number): Promise<void> {
  ports ??= deliveryStore(agencySecrets);
  petitionPorts ??= petitionDeliveryStore(ports);
  const parsed = petitionMessage.safeParse(body);
  if (!parsed.success) {
    logger.error('malformed dispatch message', { messageId: record.messageId });
    throw new Error('malformed dispatch message');
  }
  const fields = { petitionCode: parsed.data.petitionCode, agencyId: parsed.data.agencyId, attempt };
  try {
    const outcome = await deliverPetition(petitionPorts, parsed.data, attempt);
    logger.info('dispatch', { ...fields, outcome });
  } catch (err) {
    await failedDelivery(record, attempt, err, fields);
  }
}

/**
 * A processor per batch: it holds the batch's successes and failures, and batches of several agency
 * queues can be in one process at once (the local cloud, multi-concurrency runtimes). A shared one
 * could report another batch's failures and let a failed delivery be deleted from its queue.
 */
export const handler = async (event: SQSEvent) =>
  processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), {
    throwOnFullBatchFailure: false,
  });
