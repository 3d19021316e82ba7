/**
 * Operators' side of payments: the list of anomalies (money owed back, providers that disagreed) and
 * refunds. A refund gives back one charge: money flagged on arrival (a late success, a second charge of
 * an order, a charge for a dossier withdrawn or refused), each by its own refund, or the credited
 * payment. The payment is held while the provider is asked, so concurrent requests refund once; the
 * provider's refund is then recorded in one transaction with the anomaly, the order, the receipt and
 * the dossier's timeline. Refunding a dossier's fee does not take the dossier back from its agency.
 */
import { createHash } from 'node:crypto';
import { ulid } from 'ulidx';
import type * as z from 'zod';
import type { paymentAnomalyView, paymentView } from '../../schemas/payment.js';
import { type DossierRecord, isDispatched, type OrderPayment } from '../core/dossier.js';
import { AppError } from '../core/errors.js';
import { logger } from '../core/logger.js';
import { sealEvent, type TimelineEvent } from '../core/timeline.js';
import { sameRequest } from '../dossiers/idempotency.js';
import { type Outbox, outboxWebhookId, queueMessageOf } from '../dossiers/messages.js';
import type {
  AnomalyRecord,
  AnomalyResolution,
  Order,
  PaymentRecord,
  ReceiptRecord,
  RefundRecord,
} from './model.js';
import { toPaymentView } from './payments.js';
import { type PaymentProvider, ProviderUnavailableError } from './providers.js';

export type PaymentView = z.infer<typeof paymentView>;
export type AnomalyView = z.infer<typeof paymentAnomalyView>;

/** Longer than any request that could still be talking to the provider (the payments Lambda's timeout). */
export const REFUND_HOLD_SECONDS = 120;
const ATTEMPTS = 4;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface RefundWrite {
  /** The payment as read, holding this request's hold. */
  payment: PaymentRecord;
  holdId: string;
  to: PaymentRecord['status'];
  refund: RefundRecord;
  /** Flagged money: the anomaly it settles (it leaves the operators' list and stays on record). */
  owed?: AnomalyRecord;
  /**
   * Credited money of a dossier: its timeline event, conditional on the dossier's version, and, when the
   * agency already holds the dossier, the message telling it (`dossier.payment_refunded`).
   */
  dossier?: { code: string; expectedVersion: number; event: TimelineEvent; outbox?: Outbox };
  /** Credited money: the order's payment shows `refunded` (when this payment is the order's current one). */
  updateOrder: boolean;
  receiptNote?: NonNullable<ReceiptRecord['refund']>;
  at: string;
}

export interface RefundPorts {
  now(): Date;
  loadPayment(paymentId: string): Promise<PaymentRecord | undefined>;
  loadOrder(order: Order): Promise<OrderPayment | undefined>;
  loadReceipt(paymentId: string): Promise<ReceiptRecord | undefined>;
  loadDossier(code: string): Promise<DossierRecord | undefined>;
  /** The integration channel (queue) of an agency, for the message that tells it of a refund. */
  agencyChannel(agencyId: string): string | undefined;
  /** The money of this payment still owed back (unresolved `refund_due` anomalies), oldest first. */
  loadOwed(paymentId: string): Promise<AnomalyRecord[]>;
  findRefundReplay(
    operatorSub: string,
    key: string,
  ): Promise<{ requestHash: string; response: PaymentView } | undefined>;
  saveRefundReplay(
    operatorSub: string,
    key: string,
    requestHash: string,
    response: PaymentView,
    at: string,
  ): Promise<void>;
  /** Holds the payment for this refund, if it is still at `payment.version` and not held by a live request. */
  holdRefund(payment: PaymentRecord, hold: NonNullable<PaymentRecord['refunding']>): Promise<boolean>;
  /** Lets go of the hold (the provider refunded nothing). */
  releaseRefund(paymentId: string, holdId: string): Promise<void>;
  commitRefund(w: RefundWrite): Promise<'committed' | 'conflict'>;
  listAnomalies(
    limit: number,
    cursor: string | undefined,
  ): Promise<{ items: AnomalyRecord[]; nextCursor: string | null }>;
  loadAnomaly(paymentId: string, at: string): Promise<AnomalyRecord | undefined>;
  /** Records an operator's resolution of an unresolved amount mismatch; false when that no longer holds. */
  resolveAnomaly(paymentId: string, at: string, resolution: AnomalyResolution): Promise<boolean>;
}

export function toAnomalyView(a: AnomalyRecord): AnomalyView {
  return {
    paymentId: a.paymentId,
    type: a.type,
    at: a.at,
    provider: a.provider,
    amount: a.amount,
    currency: a.currency,
    ...(a.order.kind === 'dossier' ? { dossierCode: a.order.code } : {}),
    ...(a.order.kind === 'bill'
      ? { bill: { biller: a.order.biller, customerCode: a.order.customerCode, period: a.order.period } }
      : {}),
    ...(a.transactionId ? { transactionId: a.transactionId } : {}),
    ...(a.refundReason ? { refundReason: a.refundReason } : {}),
    ...(a.reported ? { reported: a.reported } : {}),
    ...(a.resolution
      ? {
          resolution: {
            at: a.resolution.at,
            by: a.resolution.by,
            ...(a.resolution.note ? { note: a.resolution.note } : {}),
          },
        }
      : {}),
  };
}

/**
 * An operator closes an amount mismatch with what they found (e.g. the provider's statement agreed with
 * the portal). Money owed back is never closed this way: only a refund settles it. Repeating the same
 * resolution answers the same; a different one after it is refused.
 */
export async function resolveAnomaly(
  ports: RefundPorts,
  input: { operatorSub: string; paymentId: string; at: string; note: string },
): Promise<AnomalyView> {
  const anomaly = await ports.loadAnomaly(input.paymentId, input.at);
  if (!anomaly) throw new AppError('ANOMALY_NOT_FOUND');
  const settledAlready = (a: AnomalyRecord) => {
    if (a.resolution?.by === 'note' && a.resolution.note === input.note) return toAnomalyView(a);
    throw new AppError('ANOMALY_ALREADY_RESOLVED');
  };
  if (anomaly.resolution) return settledAlready(anomaly);
  if (anomaly.type === 'refund_due') throw new AppError('ANOMALY_NEEDS_REFUND');
  const resolution: AnomalyResolution = {
    at: ports.now().toISOString(),
    by: 'note',
    operatorSub: input.operatorSub,
    note: input.note,
  };
  if (await ports.resolveAnomaly(input.paymentId, input.at, resolution))
    return toAnomalyView({ ...anomaly, resolution });
  // Another operator resolved it between our read and write.
  const now = await ports.loadAnomaly(input.paymentId, input.at);
  return settledAlready(now ?? anomaly);
}

export async function listAnomalies(ports: RefundPorts, limit: number, cursor: string | undefined) {
  const page = await ports.listAnomalies(limit, cursor);
  return { items: page.items.map(toAnomalyView), nextCursor: page.nextCursor };
}

/**
 * The charge a refund gives back: the one named, else the oldest charge owed back, else the credited
 * payment's; `owed` when it is flagged money.
 */
function targetOf(
  p: PaymentRecord,
  owed: AnomalyRecord[],
  named: string | undefined,
): { transactionId: string; owed?: AnomalyRecord } | undefined {
  const flagged = named ? owed.find((a) => a.transactionId === named) : owed[0];
  if (flagged?.transactionId) return { transactionId: flagged.transactionId, owed: flagged };
  const credited = p.status === 'succeeded' ? p.providerTransactionId : undefined;
  if (credited && (!named || named === credited)) return { transactionId: credited };
  return undefined;
}

const liveHold = (p: PaymentRecord, now: Date) =>
  p.refunding !== undefined && Date.parse(p.refunding.at) > now.getTime() - REFUND_HOLD_SECONDS * 1000;

export interface RefundRequest {
  operatorSub: string;
  key: string;
  paymentId: string;
  reason: string;
  /** The charge to give back; without it, the oldest owed back, else the credited payment. */
  transactionId?: string;
}

/** Holds the payment for this request; answers 409 when another refund holds it or nothing is refundable. */
async function hold(ports: RefundPorts, paymentId: string, named: string | undefined) {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const p = await ports.loadPayment(paymentId);
    if (!p) throw new AppError('PAYMENT_NOT_FOUND');
    const target = targetOf(p, await ports.loadOwed(paymentId), named);
    if (!target) throw new AppError('PAYMENT_NOT_REFUNDABLE');
    const now = ports.now();
    if (liveHold(p, now)) throw new AppError('REFUND_IN_PROGRESS');
    const held = { holdId: ulid(now.getTime()), transactionId: target.transactionId, at: now.toISOString() };
    if (await ports.holdRefund(p, held)) return { ...p, refunding: held };
  }
  throw new AppError('CONFLICT');
}

async function writeFor(
  ports: RefundPorts,
  p: PaymentRecord & { refunding: NonNullable<PaymentRecord['refunding']> },
  owed: AnomalyRecord[],
  refundId: string,
  req: RefundRequest,
  at: string,
): Promise<RefundWrite | undefined> {
  const txn = p.refunding.transactionId;
  const done = { refundedAt: at, providerRefundId: refundId, note: req.reason, by: req.operatorSub };
  const base = { payment: p, holdId: p.refunding.holdId, at };
  const flagged = owed.find((a) => a.transactionId === txn);
  if (flagged) {
    const stillOwed = owed.length - 1;
    return {
      ...base,
      // A credited payment stays as it is; one never credited is refunded once nothing of it is owed.
      to: p.status === 'succeeded' || stillOwed > 0 ? p.status : 'refunded',
      refund: {
        status: 'done',
        reason: flagged.refundReason ?? 'late_success',
        providerTransactionId: txn,
        at: flagged.at,
        ...done,
      },
      owed: flagged,
      updateOrder: false,
    };
  }
  if (p.status !== 'succeeded' || p.providerTransactionId !== txn) return undefined;
  const order = await ports.loadOrder(p.order);
  const receipt = await ports.loadReceipt(p.paymentId);
  let dossier: RefundWrite['dossier'];
  const updateOrder = order?.paymentId === p.paymentId;
  if (p.order.kind === 'dossier') {
    const d = await ports.loadDossier(p.order.code);
    if (!d) throw new Error(`payment ${p.paymentId} names missing dossier ${p.order.code}`);
    dossier = {
      ...(updateOrder && isDispatched(d) ? { outbox: refundOutbox(ports, d, at) } : {}),
      code: d.code,
      expectedVersion: d.version,
      event: sealEvent({
        seq: d.lastSeq + 1,
        at,
        type: 'payment.refunded',
        status: d.status,
        actor: 'system',
        source: p.paymentId,
        // The operator's words stay with the payment; the timeline is shown to the public tracker too.
        note: `Đã hoàn trả ${p.amount.toLocaleString('vi-VN')} đồng lệ phí đã thanh toán`,
        prevHash: d.lastHash,
      }),
    };
  }
  return {
    ...base,
    to: 'refunded',
    refund: { status: 'done', reason: 'operator', providerTransactionId: txn, at, ...done },
    ...(dossier ? { dossier } : {}),
    updateOrder,
    ...(receipt ? { receiptNote: { refundedAt: at, amount: p.amount, reason: req.reason } } : {}),
  };
}

/**
 * The message that tells the agency holding the dossier its fee was given back (the dispatcher reads the
 * payment, now refunded, when it delivers). Only the dossier's current payment: the one its order names.
 */
function refundOutbox(ports: RefundPorts, d: DossierRecord, at: string): Outbox {
  const channel = ports.agencyChannel(d.agencyId);
  if (!channel) throw new Error(`dossier ${d.code} names agency ${d.agencyId} without a channel`);
  const id = ulid(Date.parse(at));
  return {
    id,
    channel,
    messages: [
      queueMessageOf({
        type: 'dossier.payment_refunded',
        dossierCode: d.code,
        agencyId: d.agencyId,
        webhookId: outboxWebhookId(id, d.code),
      }),
    ],
  };
}

/**
 * Refunds a payment for an operator. The same Idempotency-Key with the same request answers as the
 * first time; a payment held by another refund, already refunded, or never paid is 409; a provider
 * that refuses or cannot be reached leaves everything as it was.
 */
export async function refundPayment(
  ports: RefundPorts,
  resolveProvider: (id: string) => Promise<PaymentProvider | undefined>,
  req: RefundRequest,
): Promise<PaymentView> {
  const requestHash = sha256(`refund:${req.paymentId}:${req.transactionId ?? ''}:${req.reason}`);
  const earlier = sameRequest(await ports.findRefundReplay(req.operatorSub, req.key), requestHash);
  if (earlier) return earlier.response;
  const held = await hold(ports, req.paymentId, req.transactionId);
  let refundId: string;
  try {
    const provider = await resolveProvider(held.provider);
    if (!provider) throw new ProviderUnavailableError(`provider ${held.provider} is not configured`);
    const answer = await provider.refund({
      paymentId: held.paymentId,
      transactionId: held.refunding.transactionId,
      amount: held.amount,
      createdAt: held.createdAt,
      // The same for every request refunding this transaction, so the provider knows a retry.
      requestId: sha256(`refund:${held.paymentId}:${held.refunding.transactionId}`).slice(0, 32),
      by: req.operatorSub,
      reason: req.reason,
    });
    if (answer.kind === 'declined') {
      logger.warn('refund declined', { paymentId: held.paymentId, code: answer.code });
      throw new AppError('REFUND_DECLINED', { providerCode: answer.code });
    }
    refundId = answer.refundId;
  } catch (err) {
    await ports.releaseRefund(held.paymentId, held.refunding.holdId);
    if (err instanceof ProviderUnavailableError) {
      logger.warn('refund provider unavailable', { paymentId: held.paymentId, error: err.message });
      throw new AppError('REFUND_PROVIDER_UNAVAILABLE');
    }
    throw err;
  }

  // The money is back with the payer: record it, reading again when a callback or an agency moved on.
  const at = ports.now().toISOString();
  let current: PaymentRecord | undefined = held;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (attempt > 0) current = await ports.loadPayment(req.paymentId);
    if (!current?.refunding || current.refunding.holdId !== held.refunding.holdId) break;
    const owed = await ports.loadOwed(req.paymentId);
    const w = await writeFor(ports, { ...current, refunding: current.refunding }, owed, refundId, req, at);
    if (!w) break;
    if ((await ports.commitRefund(w)) === 'committed') {
      const view = toPaymentView(
        { ...current, status: w.to, version: current.version + 1, refund: w.refund, updatedAt: at },
        owed.length - (w.owed ? 1 : 0),
      );
      await ports.saveRefundReplay(req.operatorSub, req.key, requestHash, view, at);
      return view;
    }
  }
  // Another request took the hold over after ours went stale and recorded the same refund.
  const after = await ports.loadPayment(req.paymentId);
  if (after?.refund?.providerTransactionId === held.refunding.transactionId)
    return toPaymentView(after, (await ports.loadOwed(req.paymentId)).length);
  logger.error('refund made but not recorded', { paymentId: req.paymentId, refundId });
  throw new AppError('CONFLICT');
}
