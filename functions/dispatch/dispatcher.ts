/**
 * SQS consumer for the agency queues: delivers each dossier to its agency and reports partial batch
 * failures. A failed message is hidden for its backoff delay (ChangeMessageVisibility) before the
 * queue offers it again; after maxReceiveCount attempts the queue moves it to the agency's DLQ.
 * A 410 Gone pauses the agency and raises the `agency_endpoint_gone` alarm (a metric filter on this
 * log). Messages for a paused agency wait at the longest backoff and so reach the DLQ within
 * maxReceiveCount × backoffCapSeconds, bounded, to be redriven once an operator resumes the agency.
 * After a run of failures the circuit breaker (breaker.ts) pauses the agency and raises
 * `agency_deliveries_paused`; its held messages wait in the queue (parked again before their last
 * receive) until a probe delivery gets a 2xx and resumes it.
 *
 * Bulkheads: a batch's messages for different agencies are delivered side by side, at most
 * DISPATCH.perAgencyInBatch at once per agency, so a slow agency sharing a channel delays no other agency's
 * messages. Once one of an agency's deliveries times out, its messages not yet started in that batch are
 * not sent: they go back to the queue on the usual backoff (held, so not towards the DLQ), and a slow
 * agency costs a batch one timeout rather than one per message.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ChangeMessageVisibilityCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { agencySecrets } from '../core/agency-secrets.js';
import { sqsClient } from '../core/clients.js';
import { config } from '../core/config.js';
import { logger, withCorrelation } from '../core/logger.js';
import { countEvent } from '../core/metrics.js';
import { portalUrl } from '../core/portal-url.js';
import { DISPATCH } from '../core/resources.js';
import {
  type DossierMessage,
  parseQueueMessage,
  type QueueMessage,
  type QueueMessageType,
} from '../dossiers/messages.js';
import { DeliveryFailed, deliver } from './deliver.js';
import { deliverPetition, type PetitionDeliveryPorts } from './petition-deliver.js';
import { petitionDeliveryStore } from './petition-delivery-store.js';
import { retryDelaySeconds } from './retry.js';
import { deliveryStore } from './store.js';
import { deliverSupport, type SupportDeliveryPorts } from './support-deliver.js';
import { supportDeliveryStore } from './support-delivery-store.js';

let ports: ReturnType<typeof deliveryStore> | undefined;
let petitionPorts: PetitionDeliveryPorts | undefined;
let supportPorts: SupportDeliveryPorts | undefined;

/** The queue URL of a record, from the configured channel URLs (the ARN names the queue). */
function queueUrlOf(record: SQSRecord): string | undefined {
  const name = record.eventSourceARN.split(':').at(-1);
  return Object.values(config().AGENCY_QUEUE_URLS).find((url) => url.split('/').at(-1) === name);
}

/** The integration channel a record came from (the key of its queue in the configured channel URLs). */
function channelOf(record: SQSRecord): string | undefined {
  const name = record.eventSourceARN.split(':').at(-1);
  return Object.entries(config().AGENCY_QUEUE_URLS).find(([, url]) => url.split('/').at(-1) === name)?.[0];
}

export { retryDelaySeconds };

async function backOff(record: SQSRecord, attempt: number, failure: DeliveryFailed) {
  const url = queueUrlOf(record);
  if (!url) return;
  const delay =
    failure.extra.retryInSeconds ??
    retryDelaySeconds(failure.kind, attempt, failure.retryAfter, config().DISPATCH_BACKOFF_SCALE);
  await sqsClient().send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: url,
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: delay,
    }),
  );
}

/** One handler per message type: delivers it and says what happened, for the log. */
type Handlers = {
  [T in QueueMessageType]: (
    message: Extract<QueueMessage, { type: T }>,
    attempt: number,
    record: SQSRecord,
  ) => Promise<string>;
};

/** The delivery ports, built once per container with the portal's address that file links use. */
async function deliveryPorts() {
  ports ??= deliveryStore(agencySecrets, await portalUrl());
  return ports;
}

async function deliverDossier(message: DossierMessage, attempt: number, record: SQSRecord) {
  const outcome = await deliver(await deliveryPorts(), message, attempt);
  if (outcome === 'delivered') countEvent('DossiersDelivered', { Channel: channelOf(record) });
  return outcome;
}

const handlers: Handlers = {
  'dossier.submitted': deliverDossier,
  'dossier.supplemented': deliverDossier,
  'dossier.withdrawn': deliverDossier,
  'dossier.payment_refunded': deliverDossier,
  'petition.created': async (message, attempt) => {
    petitionPorts ??= petitionDeliveryStore(await deliveryPorts());
    return deliverPetition(petitionPorts, message, attempt);
  },
  'support.handed': async (message, attempt) => {
    supportPorts ??= supportDeliveryStore(await deliveryPorts());
    return deliverSupport(supportPorts, message, attempt);
  },
};

/** The fields a message is logged with: its object and agency, never anyone's personal data. */
function logFields(m: QueueMessage, attempt: number): Record<string, unknown> {
  const object =
    'petitionCode' in m
      ? { petitionCode: m.petitionCode }
      : 'ticketCode' in m
        ? { ticketCode: m.ticketCode }
        : { dossierCode: m.dossierCode };
  return { ...object, agencyId: m.agencyId, attempt };
}

async function handleRecord(record: SQSRecord): Promise<void> {
  const attempt = Number(record.attributes.ApproximateReceiveCount ?? '1');
  const parsed = parseQueueMessage(record.body);
  if (!parsed.ok) {
    // Not retryable, but kept: after maxReceiveCount it rests in the DLQ for an operator to inspect.
    logger.error('malformed dispatch message', {
      messageId: record.messageId,
      reason: parsed.reason,
      detail: parsed.detail,
    });
    throw new Error(`malformed dispatch message: ${parsed.detail}`);
  }
  const message = parsed.message;
  const fields = logFields(message, attempt);
  try {
    const handle = handlers[message.type] as (m: QueueMessage, a: number, r: SQSRecord) => Promise<string>;
    const outcome = await handle(message, attempt, record);
    logger.info('dispatch', { ...fields, outcome });
  } catch (err) {
    await failedDelivery(record, attempt, err, fields);
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
): Promise<void> {
  if (!(err instanceof DeliveryFailed)) throw err;
  // A delivery held back by an open breaker was not attempted: only real attempts count as failures.
  if (err.kind !== 'paused') countEvent('DeliveriesFailed', { Channel: channelOf(record) });
  if (err.extra.breakerOpened) {
    // The metric filter matches this field; changing it silences the alarm.
    logger.error('agency endpoint failing: circuit breaker opened, deliveries paused', {
      ...fields,
      alarm: 'agency_deliveries_paused',
    });
  }
  if (
    (err.kind === 'paused' || err.extra.held === true) &&
    err.extra.retryInSeconds !== undefined &&
    attempt >= DISPATCH.maxReceiveCount - 1
  ) {
    // Held by an open breaker and near its last receive: parked as a fresh copy (same body, same
    // webhook-id) so it keeps waiting in the queue rather than the DLQ. Sent before this one is deleted:
    // a failure leaves the original in place, a duplicate is dropped by the delivered marker.
    const url = queueUrlOf(record);
    if (url) {
      await sqsClient().send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: record.body,
          DelaySeconds: err.extra.retryInSeconds,
        }),
      );
      logger.info('dispatch held: agency paused, parked again', fields);
      return;
    }
  }
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

/** The agency a record is for, if its body names one (a malformed one is handled alone). */
function agencyOf(record: SQSRecord): string | undefined {
  try {
    const agencyId = (JSON.parse(record.body) as { agencyId?: unknown })?.agencyId;
    return typeof agencyId === 'string' ? agencyId : undefined;
  } catch {
    return undefined;
  }
}

/** Runs at most `limit` of the given tasks at once, in the order they are given. */
export function limiter(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((start) => waiting.push(start));
    else running += 1;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `running` counts it without a gap.
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  };
}

/**
 * One batch's per-agency lanes: each agency's messages run `perAgency` at once beside the others'; after
 * a timeout the agency's remaining messages are held back for this batch.
 */
export function bulkheads(
  handle: (record: SQSRecord) => Promise<void>,
  holdBack: (record: SQSRecord, agencyId: string) => Promise<void>,
  perAgency: number = DISPATCH.perAgencyInBatch,
) {
  const lanes = new Map<string, { run: ReturnType<typeof limiter>; slow: boolean }>();
  return (record: SQSRecord): Promise<void> => {
    const agencyId = agencyOf(record);
    if (agencyId === undefined) return handle(record);
    let lane = lanes.get(agencyId);
    if (!lane) {
      lane = { run: limiter(perAgency), slow: false };
      lanes.set(agencyId, lane);
    }
    const own = lane;
    return own.run(async () => {
      if (own.slow) return holdBack(record, agencyId);
      try {
        await handle(record);
      } catch (err) {
        if (err instanceof DeliveryFailed && err.extra.timedOut) own.slow = true;
        throw err;
      }
    });
  };
}

/**
 * A message not sent because its agency timed out earlier in the batch: back to the queue on the usual
 * backoff, as a held message (parked again rather than moved to the DLQ near its last receive).
 */
export async function holdBack(record: SQSRecord, agencyId: string): Promise<void> {
  const attempt = Number(record.attributes.ApproximateReceiveCount ?? '1');
  const wait = retryDelaySeconds('failed', attempt, undefined, config().DISPATCH_BACKOFF_SCALE);
  await failedDelivery(
    record,
    attempt,
    new DeliveryFailed(`deliveries to ${agencyId} timed out in this batch`, undefined, 'paused', false, {
      retryInSeconds: wait,
    }),
    { agencyId, attempt, heldBy: 'timeout in batch' },
  );
}

/**
 * A processor per batch: it holds the batch's successes and failures, and batches of several agency
 * queues can be in one process at once (the local cloud, multi-concurrency runtimes). A shared one
 * could report another batch's failures and let a failed delivery be deleted from its queue.
 */
export const handler = withCorrelation(async (event: SQSEvent) =>
  processPartialResponse(event, bulkheads(handleRecord, holdBack), new BatchProcessor(EventType.SQS), {
    throwOnFullBatchFailure: false,
    // Every record starts at once; the bulkheads queue each agency's behind its own limit.
    processInParallel: true,
  }),
);
