/**
 * Delivering one dossier to its agency: a Standard Webhooks signed POST. Success is recorded so a
 * redelivered queue message is not sent twice; every attempt is recorded for operators. Failures say
 * when to try again (the agency's Retry-After, or capped full-jitter backoff) and the queue retries,
 * up to its DLQ. An endpoint answering 410 Gone pauses the agency's deliveries until an operator resumes
 * them (npm run redrive -- --resume): nothing is sent to an address the agency has given up.
 */

import type {
  DeliveredPayment,
  DossierDelivery,
  PaymentRefundedDelivery,
  SupplementDelivery,
  WithdrawalDelivery,
} from '../../schemas/dossier-delivery.js';
import type { DossierRecord, StoredAttachment } from '../core/dossier.js';
import { keys } from '../core/keys.js';
import { AGENCY_HEADER, signWebhook } from '../core/webhooks.js';
import { attachmentHref, attachmentIdOf, PREVIOUS_RESULT } from '../documents/agency-files.js';
import type { DossierMessage } from '../dossiers/messages.js';
import type { PaymentRecord, ReceiptRecord } from '../payments/model.js';
import type { ProfileKeys } from '../pii/protect.js';
import { withOpenForm } from '../pii/sealed-form.js';
import { planOf } from '../steps/plan.js';
import {
  admit,
  afterAttempt,
  type BreakerChange,
  type BreakerPorts,
  type BreakerState,
  type Gate,
} from './breaker.js';

/** `paused`: not sent, the agency's deliveries are paused (410 or the circuit breaker); the message waits. */
export const DELIVERY_OUTCOMES = ['delivered', 'failed', 'refused', 'timeout', 'gone', 'paused'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export interface DeliveryAttempt {
  webhookId: string;
  attempt: number;
  at: string;
  status: number | null;
  outcome: DeliveryOutcome;
  ms: number;
  error?: string;
  /** The agency and the webhook's event type (the agency's delivery log); the store adds the dossier code. */
  agencyId?: string;
  eventType?: string;
  /** When the queue offers the message again; absent after a delivery and before the DLQ. */
  nextRetryAt?: string;
  /** The agency's redelivery request this attempt serves. */
  redeliveryId?: string;
  /** For `dossier.supplemented`: the timeline event of the supplement (to rebuild it on redelivery). */
  seq?: number;
  /** For `petition.created`: how the petition came to the agency (to rebuild it on redelivery). */
  routing?: 'submitted' | 'reassigned' | 'escalated';
  fromAgencyId?: string;
}

export interface DeliveryPorts {
  now(): Date;
  loadDossier(code: string): Promise<DossierRecord | undefined>;
  isDelivered(code: string, webhookId: string): Promise<boolean>;
  markDelivered(code: string, webhookId: string, at: string): Promise<void>;
  /**
   * What a delivery reads before it sends, in one read: whether the webhook was delivered, the agency's
   * delivery state and the dossier. Without it, isDelivered, the breaker's state and loadDossier each read.
   */
  readForDelivery?(
    code: string,
    marker: string,
    agencyId: string,
  ): Promise<{ delivered: boolean; state: BreakerState | undefined; dossier: DossierRecord | undefined }>;
  /** markDelivered and recordAttempt of a delivery that went through, in one write. */
  recordDelivered?(code: string, marker: string, at: string, attempt: DeliveryAttempt): Promise<void>;
  /** Whether an operator has yet to resume the agency's deliveries after its endpoint went away. */
  isPaused(agencyId: string): Promise<boolean>;
  /** Pauses the agency's deliveries; true only for the call that paused it (the first 410 raises the alarm). */
  pauseAgency(agencyId: string, since: string, reason: string): Promise<boolean>;
  recordAttempt(code: string, attempt: DeliveryAttempt): Promise<void>;
  /**
   * The circuit breaker (functions/dispatch/breaker.ts); without it only a 410 pauses the agency. When
   * present it replaces isPaused: a paused agency's messages are held, or one is let through as the probe.
   */
  breaker?: BreakerPorts;
  /**
   * Seconds until the queue offers a failed message again (undefined: its next stop is the DLQ), so the
   * attempt record can say when the next try is.
   */
  retryDelaySeconds?(
    kind: FailureKind,
    attempt: number,
    retryAfter: string | null | undefined,
  ): number | undefined;
  /**
   * Tells the agency that the breaker paused or resumed its deliveries (a notice on its channel); never
   * fails the delivery it happened in.
   */
  announce?(agencyId: string, change: 'opened' | 'resumed', code: string, at: string): Promise<void>;
  /**
   * A dossier's fee payment and its receipt, for the payment block of `dossier.submitted` and for
   * `dossier.payment_refunded`; without it a submitted dossier is sent without its payment block.
   */
  loadPayment?(paymentId: string): Promise<PaidFee | undefined>;
  endpointFor(agencyId: string): string | undefined;
  secretsFor(agencyId: string): Promise<string[]>;
  /**
   * The profile key, to open the citizen ID and phone numbers sealed in the form: the agency receives
   * them in clear inside the signed payload. Required for dossiers with sealed fields.
   */
  profileKeys?(): Promise<ProfileKeys>;
  /** The portal's public address (PORTAL_URL): files are linked absolutely under it, else relatively. */
  portalUrl?: string;
  /** POST with a timeout; throws for network failures and refused (unsafe) endpoints. */
  post(
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; retryAfter?: string | null }>;
}

/**
 * `failed`: retry with backoff. `gone`: the endpoint answered 410 and the agency is now paused.
 * `paused`: not sent because the agency is paused; the message waits at the longest backoff.
 */
export type FailureKind = 'failed' | 'gone' | 'paused';

export class DeliveryFailed extends Error {
  override name = 'DeliveryFailed';
  constructor(
    message: string,
    readonly retryAfter?: string | null,
    readonly kind: FailureKind = 'failed',
    /** For `gone`: this delivery is the one that paused the agency. */
    readonly paused = false,
    readonly extra: {
      /** Seconds the message should wait, when the delivery decided it. */
      retryInSeconds?: number;
      /** The circuit breaker opened with this failure (the alarm). */
      breakerOpened?: boolean;
      /** Sent and failed, but the breaker is open now: the message waits like a held one. */
      held?: boolean;
      /** The agency gave no answer within the POST's timeout. */
      timedOut?: boolean;
    } = {},
  ) {
    super(message);
  }
}

/**
 * Each scan as an agency receives it: what it is, its SHA-256 (hex) and where to fetch it; `portalUrl`
 * makes the link absolute.
 */
const describe =
  (code: string, portalUrl: string | undefined) =>
  ({ uploadId, documentType, fileName, contentType, size, sha256 }: StoredAttachment) => ({
    attachmentId: attachmentIdOf(code, uploadId),
    documentType,
    fileName,
    contentType,
    size,
    ...(sha256 ? { sha256 } : {}),
    href: attachmentHref(code, attachmentIdOf(code, uploadId), portalUrl),
  });

/** The previous agency's result in a bundle; an electronic one is fetched like a scan of this dossier. */
function previousResultOf(d: DossierRecord, portalUrl: string | undefined) {
  const previous = d.previousResult!;
  if (previous.kind !== 'electronic') return previous;
  const attachmentId = attachmentIdOf(d.code, PREVIOUS_RESULT);
  return { ...previous, attachmentId, href: attachmentHref(d.code, attachmentId, portalUrl) };
}

/** A payment as the payment store keeps it, with the receipt issued for it. */
export interface PaidFee {
  payment: Pick<
    PaymentRecord,
    | 'paymentId'
    | 'amount'
    | 'currency'
    | 'provider'
    | 'providerTransactionId'
    | 'paidAt'
    | 'status'
    | 'refund'
  >;
  receipt?: Pick<ReceiptRecord, 'receiptNumber' | 'paidAt'>;
}

/** The fee as the agency receives it; undefined for a payment never credited (nothing was paid). */
export function paymentBlock({ payment: p, receipt }: PaidFee): DeliveredPayment | undefined {
  const paidAt = p.paidAt ?? receipt?.paidAt;
  if (!paidAt) return undefined;
  const refunded = p.status === 'refunded' && p.refund?.reason === 'operator';
  return {
    paymentId: p.paymentId,
    amount: p.amount,
    currency: p.currency,
    status: refunded ? 'refunded' : 'paid',
    paidAt,
    provider: p.provider,
    ...(p.providerTransactionId ? { providerTransactionId: p.providerTransactionId } : {}),
    ...(receipt ? { receiptNumber: receipt.receiptNumber } : {}),
    ...(refunded ? { refundedAt: p.refund?.refundedAt ?? p.refund!.at } : {}),
  };
}

/** The dossier's fee was given back; undefined while the payment shows no refund of its credited money. */
export function refundPayload(d: DossierRecord, fee: PaidFee): PaymentRefundedDelivery | undefined {
  const payment = paymentBlock(fee);
  if (payment?.status !== 'refunded' || !payment.refundedAt) return undefined;
  return {
    type: 'dossier.payment_refunded',
    dossierCode: d.code,
    submissionId: d.submissionId,
    agencyId: d.agencyId,
    refundedAt: payment.refundedAt,
    payment,
  };
}

export function deliveryPayload(
  d: DossierRecord,
  portalUrl?: string,
  /** The fee as stored (payment and receipt), or as a message already carries it. */
  fee?: PaidFee | DeliveredPayment,
): DossierDelivery {
  const payment = fee && ('payment' in fee ? paymentBlock(fee) : fee);
  return {
    type: 'dossier.submitted',
    dossierCode: d.code,
    submissionId: d.submissionId,
    procedureCode: d.procedureCode,
    agencyId: d.agencyId,
    submittedAt: d.submittedAt,
    dueAt: d.dueAt,
    form: d.form,
    attachments: d.attachments.map(describe(d.code, portalUrl)),
    ...(d.bundle
      ? { bundle: { procedureCode: d.bundle.procedureCode, step: d.bundle.step, steps: d.bundle.steps } }
      : {}),
    ...(d.previousResult ? { previousResult: previousResultOf(d, portalUrl) } : {}),
    ...(d.enterpriseTaxCode ? { enterpriseTaxCode: d.enterpriseTaxCode } : {}),
    ...(d.filedBy ? { filedAtDesk: { agencyId: d.filedBy.agencyId } } : {}),
    steps: planOf(d).steps,
    ...(payment ? { payment } : {}),
  };
}

/** The citizen's answer to a request to supplement: the documents it added (timeline event `seq`). */
export function supplementPayload(
  d: DossierRecord,
  seq: number | undefined,
  portalUrl?: string,
): SupplementDelivery {
  const added = d.attachments.filter((a) => a.supplement && a.supplement.seq === seq);
  return {
    type: 'dossier.supplemented',
    dossierCode: d.code,
    submissionId: d.submissionId,
    procedureCode: d.procedureCode,
    agencyId: d.agencyId,
    supplementedAt: added[0]?.supplement?.at ?? d.updatedAt,
    dueAt: d.dueAt,
    attachments: added.map(describe(d.code, portalUrl)),
  };
}

/** The citizen withdrew the dossier: the agency stops working on it. */
export function withdrawalPayload(d: DossierRecord): WithdrawalDelivery {
  return {
    type: 'dossier.withdrawn',
    dossierCode: d.code,
    submissionId: d.submissionId,
    agencyId: d.agencyId,
    withdrawnAt: d.updatedAt,
  };
}

const noKey = (ports: DeliveryPorts) =>
  ports.profileKeys ?? (() => Promise.reject(new Error('the dispatcher has no profile key')));

/** The webhook machinery, keyed by the delivered object's code (a dossier's or a petition's). */
export type WebhookPorts = Omit<DeliveryPorts, 'loadDossier'>;

/**
 * Whether a message may go now: the breaker's gate, or (without one) the 410 switch. A held message is
 * recorded (`paused`, so the agency's delivery log shows it waiting) and thrown back to the queue.
 */
export async function gateFor(
  ports: WebhookPorts,
  target: Target,
  attempt: number,
  known?: { state: BreakerState | undefined },
): Promise<Gate> {
  const gate: Gate = ports.breaker
    ? await admit(ports.breaker, target.agencyId, ports.now(), known)
    : (known ? known.state?.paused === true : await ports.isPaused(target.agencyId))
      ? { kind: 'held', cause: 'gone' }
      : { kind: 'closed', failures: 0 };
  if (gate.kind !== 'held') return gate;
  const wait = gate.retryInSeconds ?? ports.retryDelaySeconds?.('paused', attempt, undefined) ?? undefined;
  await ports.recordAttempt(target.code, {
    webhookId: target.webhookId,
    attempt,
    at: ports.now().toISOString(),
    status: null,
    outcome: 'paused',
    ms: 0,
    error: gate.cause === 'gone' ? 'paused: endpoint gone (410)' : 'paused: circuit breaker open',
    ...describeTarget(target),
    ...(wait !== undefined
      ? { nextRetryAt: new Date(ports.now().getTime() + wait * 1000).toISOString() }
      : {}),
  });
  throw new DeliveryFailed(`deliveries to ${target.agencyId} are paused`, undefined, 'paused', false, {
    ...(gate.retryInSeconds !== undefined ? { retryInSeconds: gate.retryInSeconds } : {}),
  });
}

interface Target {
  code: string;
  agencyId: string;
  webhookId: string;
  eventType?: string;
  redeliveryId?: string;
  seq?: number;
  routing?: DeliveryAttempt['routing'];
  fromAgencyId?: string;
}

const describeTarget = (t: Target) => ({
  agencyId: t.agencyId,
  ...(t.eventType ? { eventType: t.eventType } : {}),
  ...(t.redeliveryId ? { redeliveryId: t.redeliveryId } : {}),
  ...(t.seq !== undefined ? { seq: t.seq } : {}),
  ...(t.routing ? { routing: t.routing } : {}),
  ...(t.fromAgencyId ? { fromAgencyId: t.fromAgencyId } : {}),
});

export async function deliver(
  ports: DeliveryPorts,
  message: DossierMessage,
  attempt: number,
): Promise<'delivered' | 'already-delivered' | 'dossier-gone'> {
  // A redelivery the agency asked for is sent even though the webhook was delivered before, under the
  // same webhook-id (the agency dedupes); its own marker keeps a duplicated queue message from a second send.
  const marker = message.redeliveryId
    ? keys.redeliveryMarkerId(message.webhookId, message.redeliveryId)
    : message.webhookId;
  const read = await ports.readForDelivery?.(message.dossierCode, marker, message.agencyId);
  if (read ? read.delivered : await ports.isDelivered(message.dossierCode, marker))
    return 'already-delivered';
  const target = {
    code: message.dossierCode,
    agencyId: message.agencyId,
    webhookId: message.webhookId,
    eventType: message.type,
    ...(message.seq !== undefined ? { seq: message.seq } : {}),
    ...(message.redeliveryId ? { redeliveryId: message.redeliveryId, marker } : {}),
  };
  const gate = await gateFor(ports, target, attempt, read && { state: read.state });
  const dossier = read ? read.dossier : await ports.loadDossier(message.dossierCode);
  if (!dossier) return 'dossier-gone';

  // Only the bodies that carry the fee read its payment, unless the message that credited it carries it.
  const paymentId = dossier.payment?.paymentId;
  const carried = message.type === 'dossier.submitted' ? message.payment : undefined;
  const fee =
    paymentId &&
    !carried &&
    (message.type === 'dossier.submitted' || message.type === 'dossier.payment_refunded')
      ? await ports.loadPayment?.(paymentId)
      : undefined;
  let payload: object;
  if (message.type === 'dossier.supplemented')
    payload = supplementPayload(dossier, message.seq, ports.portalUrl);
  else if (message.type === 'dossier.withdrawn') payload = withdrawalPayload(dossier);
  else if (message.type === 'dossier.payment_refunded') {
    const refund = fee && refundPayload(dossier, fee);
    // The refund is committed with its message, so this is only a payment store that cannot be read.
    if (!refund) throw new DeliveryFailed(`dossier ${dossier.code} has no refunded fee to announce`);
    payload = refund;
  } else
    payload = deliveryPayload(await withOpenForm(dossier, noKey(ports)), ports.portalUrl, carried ?? fee);
  const body = JSON.stringify(payload);
  return deliverSigned(
    ports,
    { ...target, code: dossier.code, agencyId: dossier.agencyId, body },
    attempt,
    gate,
  );
}

/** One signed POST of `body` to the agency, recorded; failures say when to try again. */
export async function deliverSigned(
  ports: WebhookPorts,
  target: Target & {
    body: string;
    /** The delivered marker to set, when not the webhook id (a redelivery's). */
    marker?: string;
  },
  attempt: number,
  gate: Gate = { kind: 'closed', failures: 0 },
): Promise<'delivered'> {
  const { code, agencyId, webhookId, body } = target;
  const endpoint = ports.endpointFor(agencyId);
  const secrets = await ports.secretsFor(agencyId);
  if (!endpoint || !secrets[0]) throw new DeliveryFailed(`agency ${agencyId} has no endpoint or secret`);

  const headers = {
    'content-type': 'application/json',
    // One endpoint may serve every agency of a channel: the header says which agency this is for.
    [AGENCY_HEADER]: agencyId,
    ...signWebhook(secrets[0], webhookId, body, ports.now()),
  };
  const started = Date.now();
  const attemptOf = (
    status: number | null,
    outcome: DeliveryAttempt['outcome'],
    error?: string,
    retryInSeconds?: number,
  ): DeliveryAttempt => ({
    webhookId,
    attempt,
    at: ports.now().toISOString(),
    status,
    outcome,
    ms: Date.now() - started,
    ...(error ? { error } : {}),
    ...describeTarget(target),
    ...(retryInSeconds !== undefined
      ? { nextRetryAt: new Date(ports.now().getTime() + retryInSeconds * 1000).toISOString() }
      : {}),
  });
  const record = (...args: Parameters<typeof attemptOf>) => ports.recordAttempt(code, attemptOf(...args));
  /** The breaker's view of this attempt, and the failure the queue sees (with its wait). */
  const breaker = async (result: 'ok' | 'failure', reason: string): Promise<BreakerChange> => {
    if (!ports.breaker) return undefined;
    const change = await afterAttempt(ports.breaker, agencyId, gate, result, ports.now(), reason);
    if (change) await ports.announce?.(agencyId, change, code, ports.now().toISOString());
    return change;
  };
  const fail = async (
    status: number | null,
    outcome: DeliveryAttempt['outcome'],
    message: string,
    retryAfter?: string | null,
    error?: string,
  ): Promise<never> => {
    const change = await breaker(
      'failure',
      `${outcome} ${status ?? ''} from ${new URL(endpoint).host}`.trim(),
    );
    // The breaker is open now (this failure opened it, or the probe failed): the message is held for
    // the cool-down like the others, rather than retried on its backoff towards the DLQ.
    const held = Boolean(ports.breaker) && (change === 'opened' || gate.kind === 'probe');
    const wait =
      held && ports.breaker
        ? ports.breaker.settings.cooldownSeconds
        : ports.retryDelaySeconds?.('failed', attempt, retryAfter);
    await record(status, outcome, error, wait);
    throw new DeliveryFailed(message, retryAfter, 'failed', false, {
      ...(wait !== undefined ? { retryInSeconds: wait } : {}),
      ...(change === 'opened' ? { breakerOpened: true } : {}),
      ...(held ? { held: true } : {}),
      ...(outcome === 'timeout' ? { timedOut: true } : {}),
    });
  };

  let response: { status: number; retryAfter?: string | null };
  try {
    response = await ports.post(endpoint, headers, body);
  } catch (err) {
    const name = (err as Error).name;
    const reason =
      name === 'UnsafeEndpointError' ? 'refused' : name === 'DeliveryTimeoutError' ? 'timeout' : 'failed';
    return fail(
      null,
      reason,
      `delivery to ${agencyId} failed: ${(err as Error).message}`,
      undefined,
      (err as Error).message.slice(0, 200),
    );
  }
  if (response.status >= 200 && response.status < 300) {
    const marker = target.marker ?? webhookId;
    const at = ports.now().toISOString();
    if (ports.recordDelivered)
      await ports.recordDelivered(code, marker, at, attemptOf(response.status, 'delivered'));
    else {
      await ports.markDelivered(code, marker, at);
      await record(response.status, 'delivered');
    }
    await breaker('ok', '');
    return 'delivered';
  }
  if (response.status === 410) {
    await record(410, 'gone', 'endpoint gone: deliveries to this agency are paused');
    const paused = await ports.pauseAgency(
      agencyId,
      ports.now().toISOString(),
      `410 Gone from ${new URL(endpoint).host} delivering ${code}`,
    );
    throw new DeliveryFailed(`agency ${agencyId} answered 410 Gone`, undefined, 'gone', paused);
  }
  if (response.status === 429) {
    // Alive and asking to slow down: honoured, not counted towards the breaker.
    const wait = ports.retryDelaySeconds?.('failed', attempt, response.retryAfter);
    await record(429, 'failed', undefined, wait);
    throw new DeliveryFailed(`agency ${agencyId} answered 429`, response.retryAfter, 'failed', false, {
      ...(wait !== undefined ? { retryInSeconds: wait } : {}),
    });
  }
  return fail(
    response.status,
    'failed',
    `agency ${agencyId} answered ${response.status}`,
    response.retryAfter,
  );
}
