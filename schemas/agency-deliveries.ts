/** An agency's own delivery log and its redelivery requests (`/v1/agency/deliveries`, `/v1/agency/redeliveries`). */
import * as z from 'zod';
import { dossierCode, isoDateTime, listQuery, ulid } from './common.js';
import { petitionCode } from './petition-agency.js';

/**
 * What became of one attempt: `delivered` (2xx), `failed` (other answer or unreachable), `refused` (an
 * endpoint the portal may not call), `timeout`, `gone` (410: paused until an operator resumes), `paused`
 * (not sent: deliveries are paused, the message waits). As a filter `waiting` also picks every attempt
 * after which the message waited for another try.
 */
export const deliveryOutcome = z.enum(['delivered', 'failed', 'refused', 'timeout', 'gone', 'paused']);
export const deliveryStatusFilter = z.enum([...deliveryOutcome.options, 'waiting']);

export const agencyDeliveriesQuery = listQuery
  .extend({
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
    status: deliveryStatusFilter.optional(),
    dossierCode: dossierCode.optional(),
    petitionCode: petitionCode.optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
    path: ['to'],
    message: 'must not be before from',
  })
  .refine((q) => !(q.dossierCode && q.petitionCode), {
    path: ['petitionCode'],
    message: 'one of dossierCode or petitionCode',
  });

/**
 * One attempt: a dossier's webhook (with `dossierCode`), a petition's (`petition.created`, with
 * `petitionCode`) or a support question's (`support.handed`, with `ticketCode`).
 */
export const deliveryLogItem = z
  .object({
    dossierCode: dossierCode
      .optional()
      .meta({ description: "The dossier delivered; absent on a petition's row (see petitionCode)." }),
    petitionCode: petitionCode
      .optional()
      .meta({ description: "The petition delivered (petition.created); absent on a dossier's row." }),
    ticketCode: z.string().optional().meta({
      description: 'The support question handed to the agency (support.handed); absent on other rows.',
    }),
    eventType: z.string().nullable().meta({
      description:
        'dossier.submitted, dossier.supplemented, dossier.withdrawn, dossier.payment_refunded, petition.created or support.handed',
    }),
    webhookId: z.string(),
    attempt: z.number().int().min(1),
    at: isoDateTime,
    httpStatus: z
      .number()
      .int()
      .nullable()
      .meta({ description: "The endpoint's answer; null when none came." }),
    latencyMs: z.number().int().min(0),
    outcome: deliveryOutcome,
    nextRetryAt: isoDateTime
      .nullable()
      .meta({ description: 'When the queue offers the message again, if known.' }),
    redeliveryId: ulid.optional(),
  })
  .meta({ id: 'DeliveryLogItem' });

/** Whether the portal is delivering to the agency now, and if not why and until when. */
export const agencyDeliveryState = z
  .object({
    paused: z.boolean(),
    cause: z.enum(['gone', 'breaker']).nullable().meta({
      description:
        '`gone`: the endpoint answered 410, an operator resumes; `breaker`: it kept failing, a probe delivery resumes it by itself.',
    }),
    since: isoDateTime.nullable(),
    consecutiveFailures: z.number().int().min(0),
    nextProbeAt: isoDateTime
      .nullable()
      .meta({ description: 'When one delivery is next tried while paused by the breaker.' }),
  })
  .meta({ id: 'AgencyDeliveryState' });

export const agencyDeliveryList = z
  .object({
    items: z.array(deliveryLogItem),
    nextCursor: z.string().nullable(),
    delivery: agencyDeliveryState,
  })
  .meta({ id: 'AgencyDeliveryList' });

/** Idempotency: the `Idempotency-Key` header, or `requestId` in the body for systems that sign only the body. */
const requestId = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{8,128}$/, '8–128 letters, digits or _.:-')
  .optional();

/** The longest window one request may redeliver. */
export const REDELIVERY_MAX_DAYS = 31;

/**
 * By dossier, by petition or by window, the webhooks named are queued again (a petition's only while it
 * is with this agency); support rows of the log are not (the ticket is answered through
 * /v1/agency/support-events). Dead letters move back whatever they hold.
 */
export const redeliveryRequest = z
  .union([
    z.object({ dossierCode, requestId }).strict(),
    z.object({ petitionCode, requestId }).strict(),
    z
      .object({ from: isoDateTime, to: isoDateTime, requestId })
      .strict()
      .refine((b) => Date.parse(b.from) <= Date.parse(b.to), {
        path: ['to'],
        message: 'must not be before from',
      })
      .refine((b) => Date.parse(b.to) - Date.parse(b.from) <= REDELIVERY_MAX_DAYS * 86_400_000, {
        path: ['to'],
        message: `at most ${REDELIVERY_MAX_DAYS} days after from`,
      }),
    z.object({ deadLetters: z.literal(true), requestId }).strict(),
  ])
  .meta({
    id: 'RedeliveryRequest',
    description:
      "`dossierCode`, `petitionCode` or `{from,to}` (by delivery-attempt time) queue again the webhooks tried, dossiers' and petitions' (the log's support rows are skipped). `deadLetters` moves back every dead letter of the agency.",
  });
export type RedeliveryRequest = z.infer<typeof redeliveryRequest>;

export const redeliveryAccepted = z
  .object({
    redeliveryId: ulid,
    count: z
      .number()
      .int()
      .min(0)
      .meta({ description: 'Webhooks queued again (or dead letters moved back).' }),
  })
  .meta({ id: 'RedeliveryAccepted' });
