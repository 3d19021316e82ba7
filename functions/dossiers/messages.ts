/**
 * The agency-queue message contract: what the outbox relay sends to an agency channel's queue and the
 * dispatcher delivers. One versioned union, built and checked by every producer (intake, supplements,
 * withdrawals, payments, bundle hand-offs, redeliveries, petitions, support) and parsed by the consumer.
 * The message names the object and the dispatcher reads the rest from the table when it delivers; the
 * one exception is a credited fee, which the payment's own transaction writes into the message it
 * queues (it is final once credited), so a delivery reads no payment record.
 *
 * Versioning: every message carries `type` and `v`. Messages queued before `v` existed (still in queues,
 * DLQs and outbox items) carry none and are read as version 1. A change that breaks v1 readers adds a
 * new variant with `v: 2` beside the old one, and the dispatcher handles both until the queues drain.
 * A new type (e.g. `dossier.payment_refunded`) leaves every v1 message as it was; one that reaches a
 * dispatcher older than it is retried until that dispatcher is replaced, or rests in the DLQ.
 */
import * as z from 'zod';
import { deliveredPayment } from '../../schemas/delivered-payment.js';

/** Version 1; a message without `v` was queued before the field existed and is v1 too. */
const v1 = z.literal(1).default(1);

/** Fields every message has: the agency it is for, its channel, and the webhook id it is sent under. */
const addressed = {
  v: v1,
  agencyId: z.string(),
  /** The agency's channel (queue), when one outbox item serves several channels. */
  channel: z.string().optional(),
  /** Stable across redeliveries, so agencies can drop duplicates (Standard Webhooks). */
  webhookId: z.string(),
};

const dossierFields = {
  ...addressed,
  dossierCode: z.string(),
  /** The timeline event the message is about (a supplement's answer), when it names one. */
  seq: z.number().int().positive().optional(),
  /** An agency's redelivery request: sent again under the same webhook-id (POST /v1/agency/redeliveries). */
  redeliveryId: z.string().optional(),
};

/** A dossier handed to its agency (after filing, after its fee is paid, or a bundle's next step). */
export const dossierSubmittedMessage = z.object({
  type: z.literal('dossier.submitted'),
  ...dossierFields,
  /**
   * The fee as the agency receives it, when the payment that credited it queued the message. Without
   * it (a redelivery, a message queued before the field) the dispatcher reads the payment.
   */
  payment: deliveredPayment.optional(),
});

/** The citizen answered the agency's request to supplement; `seq` is the timeline event of the answer. */
export const dossierSupplementedMessage = z.object({
  type: z.literal('dossier.supplemented'),
  ...dossierFields,
});

/** The citizen withdrew a dossier the agency holds: it stops working on it. */
export const dossierWithdrawnMessage = z.object({
  type: z.literal('dossier.withdrawn'),
  ...dossierFields,
});

/**
 * The dossier's fee, paid online, was given back to the citizen after the dossier reached the agency.
 * The payment is the dossier's current one (the refund moved its status to `refunded`).
 */
export const dossierPaymentRefundedMessage = z.object({
  type: z.literal('dossier.payment_refunded'),
  ...dossierFields,
});

/** A petition handed to `agencyId` (first routing, reassignment or escalation). */
export const petitionCreatedMessage = z.object({
  type: z.literal('petition.created'),
  ...addressed,
  petitionCode: z.string(),
  /** How it came to this agency, and from which agency when it moved. */
  routing: z.enum(['submitted', 'reassigned', 'escalated']).optional(),
  fromAgencyId: z.string().optional(),
  /** An agency's redelivery request: sent again under the same webhook-id (POST /v1/agency/redeliveries). */
  redeliveryId: z.string().optional(),
});

/** A support ticket handed to an agency. */
export const supportHandedMessage = z.object({
  type: z.literal('support.handed'),
  ...addressed,
  ticketCode: z.string(),
});

export const queueMessage = z.discriminatedUnion('type', [
  dossierSubmittedMessage,
  dossierSupplementedMessage,
  dossierWithdrawnMessage,
  dossierPaymentRefundedMessage,
  petitionCreatedMessage,
  supportHandedMessage,
]);

/** A message as read (version filled in). */
export type QueueMessage = z.output<typeof queueMessage>;
/** A message as a producer writes it (`v` may be left out: it is the current version). */
export type QueueMessageInput = z.input<typeof queueMessage>;
export type QueueMessageType = QueueMessage['type'];
/** What a delivery needs of each kind: a message as read, or one written without `v` (v1). */
export type DossierMessage = Extract<QueueMessageInput, { dossierCode: string }>;
export type DossierMessageType = DossierMessage['type'];
export type PetitionMessage = z.input<typeof petitionCreatedMessage>;
export type SupportMessage = z.input<typeof supportHandedMessage>;

export const QUEUE_MESSAGE_TYPES: readonly QueueMessageType[] = queueMessage.options.map(
  (o) => o.shape.type.value,
);
export const DOSSIER_MESSAGE_TYPES: readonly DossierMessageType[] = [
  'dossier.submitted',
  'dossier.supplemented',
  'dossier.withdrawn',
  'dossier.payment_refunded',
];
export const isDossierMessageType = (type: unknown): type is DossierMessageType =>
  (DOSSIER_MESSAGE_TYPES as readonly unknown[]).includes(type);

/** Builds a message, checked against the contract: a producer cannot queue what the dispatcher refuses. */
export function queueMessageOf<T extends QueueMessageInput>(
  m: T,
): Extract<QueueMessage, { type: T['type'] }> {
  return queueMessage.parse(m) as Extract<QueueMessage, { type: T['type'] }>;
}

/** The webhook id of an outbox item's message for one object: stable, so redeliveries keep it. */
export const outboxWebhookId = (outboxId: string, code: string) => `msg_${outboxId}_${code}`;

/** The object a message is about: its dossier, petition or ticket code. */
export const subjectOf = (m: QueueMessage): string =>
  'petitionCode' in m ? m.petitionCode : 'ticketCode' in m ? m.ticketCode : m.dossierCode;

export type ParsedMessage =
  | { ok: true; message: QueueMessage }
  | { ok: false; reason: 'not-json' | 'unknown-type' | 'unknown-version' | 'malformed'; detail: string };

/**
 * Reads a queue message body. An unknown type or version is named as such (a newer producer, or a
 * message from elsewhere), a known one with bad fields as malformed; neither throws.
 */
export function parseQueueMessage(body: string | unknown): ParsedMessage {
  let value: unknown = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return { ok: false, reason: 'not-json', detail: 'body is not JSON' };
    }
  }
  const type = (value as { type?: unknown } | null)?.type;
  if (!(QUEUE_MESSAGE_TYPES as readonly unknown[]).includes(type))
    return { ok: false, reason: 'unknown-type', detail: `unknown message type ${JSON.stringify(type)}` };
  const v = (value as { v?: unknown }).v;
  if (v !== undefined && v !== 1)
    return {
      ok: false,
      reason: 'unknown-version',
      detail: `${String(type)} has unknown version ${JSON.stringify(v)}`,
    };
  const parsed = queueMessage.safeParse(value);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    return { ok: false, reason: 'malformed', detail: `${String(type)} v1 has invalid fields: ${fields}` };
  }
  return { ok: true, message: parsed.data };
}

/** An outbox item: messages committed with the change they announce, relayed by the table stream. */
export const outboxItem = z.object({
  /** The channel of every message that names none. */
  channel: z.string().optional(),
  messages: z.array(queueMessage),
});

/** An outbox item to write: its id (a ULID) and its messages (checked against the contract as written). */
export interface Outbox {
  id: string;
  channel?: string;
  messages: QueueMessageInput[];
}
