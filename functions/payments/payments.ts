/**
 * Paying online: a payment is created for an order (a dossier's fee, or a utility bill) with the amount
 * the portal fixed, never one the client sent; the provider's signed answers then settle it. At most one
 * attempt of an order is pending at a time and at most one succeeds; a failed or expired attempt is
 * retried by creating the next one for the same order, with nothing to fill in again. Every other charge
 * the provider reports (too late, a second one, for a dossier no longer waiting for its fee) is recorded
 * once per provider transaction and owed back.
 */
import { createHash } from 'node:crypto';
import { ulid } from 'ulidx';
import type * as z from 'zod';
import type { paymentCreated, paymentView, receiptView } from '../../schemas/payment.js';
import type { DossierRecord, OrderPayment } from '../core/dossier.js';
import { decide } from '../core/dossier-state.js';
import { AppError } from '../core/errors.js';
import { countEvent } from '../core/metrics.js';
import { sealEvent, type TimelineEvent } from '../core/timeline.js';
import { localDate } from '../core/working-days.js';
import { replay } from '../dossiers/idempotency.js';
import { type Outbox, outboxWebhookId, queueMessageOf } from '../dossiers/messages.js';
import type { Bill } from './billers.js';
import type {
  AnomalyRecord,
  FlaggedReason,
  Order,
  PaymentOwnership,
  PaymentRecord,
  ProviderResult,
  ReceiptRecord,
} from './model.js';
import type { PaymentProvider } from './providers.js';

export type PaymentCreated = z.infer<typeof paymentCreated>;

export interface CreateWrite {
  payment: PaymentRecord;
  /** The order's payment state as read; the write is conditional on it still being so. */
  previous: OrderPayment | undefined;
  /** Dossiers: the status read (one that waits for its fee); the write is conditional on it too. */
  dossierStatus?: DossierRecord['status'];
  /** Bills only: the bill item to create on its first payment. */
  newBill?: Bill;
  idempotency: { ownerSub: string; key: string; requestHash: string; response: PaymentCreated };
  at: string;
}

export interface SuccessWrite {
  payment: PaymentRecord;
  transactionId: string;
  paidAt: string;
  receipt: ReceiptRecord;
  /** Dossiers: the timeline event and the dispatch that follow the payment, conditional on its version. */
  dossier?: {
    code: string;
    expectedVersion: number;
    event: TimelineEvent;
    outbox: Outbox & { channel: string };
  };
  at: string;
}

export interface CloseWrite {
  payment: PaymentRecord;
  to: PaymentRecord['status'];
  transactionId?: string;
  /** Mirror the new status on the order (only when this attempt is the order's current one). */
  updateOrder: boolean;
  at: string;
}

/**
 * A charge that cannot be credited: its provider transaction is recorded (once) with the money owed
 * back, listed for operators; a payment still pending is closed in the same write.
 */
export interface FlagWrite {
  payment: PaymentRecord;
  transactionId: string;
  reason: FlaggedReason;
  close?: { to: PaymentRecord['status']; updateOrder: boolean };
  at: string;
}

export interface PaymentPorts {
  now(): Date;
  loadDossier(code: string): Promise<DossierRecord | undefined>;
  loadOrder(order: Order): Promise<OrderPayment | undefined>;
  loadPayment(paymentId: string): Promise<PaymentRecord | undefined>;
  loadReceipt(paymentId: string): Promise<ReceiptRecord | undefined>;
  findIdempotent(
    ownerSub: string,
    key: string,
  ): Promise<{ requestHash: string; response: PaymentCreated } | undefined>;
  createPayment(w: CreateWrite): Promise<'committed' | 'idempotency-key-taken' | 'order-changed'>;
  commitSuccess(
    w: SuccessWrite,
  ): Promise<'committed' | 'transaction-seen' | 'order-already-paid' | 'conflict'>;
  commitClose(w: CloseWrite): Promise<'committed' | 'transaction-seen' | 'conflict'>;
  commitFlag(w: FlagWrite): Promise<'committed' | 'transaction-seen' | 'conflict'>;
  recordAnomaly(anomaly: AnomalyRecord): Promise<void>;
  /** The money of this payment still owed back (unresolved `refund_due` anomalies), oldest first. */
  loadOwed(paymentId: string): Promise<AnomalyRecord[]>;
  /** Where a dossier goes once paid (its agency's channel). */
  agencyChannel(agencyId: string): string | undefined;
}

export interface CreateContext {
  provider: PaymentProvider;
  ttlSeconds: number;
  returnUrl: string;
  /** An attempt made with another provider is handed back signed by that one, returning to its page. */
  providerFor: (id: string) => Promise<PaymentProvider | undefined>;
  returnUrlOf: (providerId: string) => string;
}

const ATTEMPTS = 4;
/** Settling races every other notice of the same payment; each lost race reads again and decides anew. */
const SETTLE_ATTEMPTS = 12;
const hashOf = (s: string) => createHash('sha256').update(s).digest('hex');

/** The provider's page for an attempt, signed from its own facts (the same page each time). */
function redirectOf(p: PaymentRecord, provider: PaymentProvider, returnUrl: string): string {
  return provider.redirectUrl({
    paymentId: p.paymentId,
    amount: p.amount,
    description: p.description,
    createdAt: new Date(p.createdAt),
    expiresAt: new Date(p.expiresAt),
    returnUrl,
  });
}

/** What the citizen is handed for an attempt: where to pay it, signed by the provider it was made with. */
async function created(p: PaymentRecord, ctx: CreateContext): Promise<PaymentCreated> {
  let redirectUrl = p.redirectUrl;
  if (!redirectUrl) {
    const same = !p.provider || p.provider === ctx.provider.id;
    const provider = same ? ctx.provider : await ctx.providerFor(p.provider!);
    if (!provider) throw new AppError('PAYMENT_PROVIDER_UNAVAILABLE');
    redirectUrl = redirectOf(p, provider, same ? ctx.returnUrl : ctx.returnUrlOf(provider.id));
  }
  return {
    paymentId: p.paymentId,
    amount: p.amount,
    currency: 'VND',
    status: p.status,
    redirectUrl,
    expiresAt: p.expiresAt,
  };
}

/** A payment as its readers see it; `owed` counts its charges still owed back. */
export function toPaymentView(p: PaymentRecord, owed: number): z.infer<typeof paymentView> {
  return {
    paymentId: p.paymentId,
    amount: p.amount,
    currency: 'VND',
    status: p.status,
    provider: p.provider,
    createdAt: p.createdAt,
    expiresAt: p.expiresAt,
    ...(p.paidAt ? { paidAt: p.paidAt } : {}),
    ...(p.order.kind === 'dossier' ? { dossierCode: p.order.code } : {}),
    ...(p.order.kind === 'bill'
      ? { bill: { biller: p.order.biller, customerCode: p.order.customerCode, period: p.order.period } }
      : {}),
    refundDue: owed > 0,
    ...(p.refund?.refundedAt ? { refundedAt: p.refund.refundedAt } : {}),
  };
}

export async function paymentViewOf(ports: PaymentPorts, paymentId: string) {
  const payment = await ports.loadPayment(paymentId);
  if (!payment) throw new AppError('PAYMENT_NOT_FOUND');
  return toPaymentView(payment, (await ports.loadOwed(paymentId)).length);
}

export function toReceiptView(r: ReceiptRecord): z.infer<typeof receiptView> {
  const { ownerSub: _owner, ...view } = r;
  return view;
}

interface OrderFacts {
  order: Order;
  owner: PaymentOwnership;
  /**
   * Whether another account's pending attempt is handed to this caller: yes for a dossier (everyone who
   * may pay it shares its one attempt), never for a bill (its payer's own business).
   */
  shared: boolean;
  dossierStatus?: DossierRecord['status'];
  amount: number;
  description: string;
  payer: string;
  agencyId: string;
  agencyName: string;
  procedureCode?: string;
  procedureName?: string;
  newBill?: Bill;
}

/** Returns the pending attempt, or creates the next one; 201 for a new attempt, 200 for the pending one. */
async function createFor(
  ports: PaymentPorts,
  ctx: CreateContext,
  ownerSub: string,
  key: string,
  hash: string,
  facts: OrderFacts,
  /** The order as the caller has just read it (a dossier's, with the dossier), for the first attempt. */
  read?: { order: OrderPayment | undefined },
): Promise<{ status: 200 | 201; body: PaymentCreated }> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const current = attempt === 0 && read ? read.order : await ports.loadOrder(facts.order);
    if (current?.status === 'succeeded') throw new AppError('PAYMENT_ALREADY_MADE');
    if (current?.status === 'refunded') throw new AppError('PAYMENT_REFUNDED');
    const now = ports.now();
    if (current?.paymentId && current.status === 'pending') {
      const pending = await ports.loadPayment(current.paymentId);
      if (pending?.status === 'pending') {
        if (Date.parse(pending.expiresAt) > now.getTime()) {
          // (Attempts recorded before `startedBy` existed were their owner's own.)
          const startedBy = pending.startedBy ?? pending.ownerSub;
          if (facts.shared || startedBy === ownerSub)
            return { status: 200, body: await created(pending, ctx) };
          // Someone else is paying this bill right now: the caller must not pay it a second time.
          throw new AppError('BILL_PAYMENT_IN_PROGRESS', { expiresAt: pending.expiresAt });
        }
        // Past its time on the provider's page: it expires now, and the next attempt takes its place.
        await ports.commitClose({
          payment: pending,
          to: 'expired',
          updateOrder: true,
          at: now.toISOString(),
        });
        continue;
      }
    }
    const paymentId = ulid(now.getTime());
    const expiresAt = new Date(now.getTime() + ctx.ttlSeconds * 1000);
    const at = now.toISOString();
    const payment: PaymentRecord = {
      paymentId,
      provider: ctx.provider.id,
      order: facts.order,
      ...facts.owner,
      startedBy: ownerSub,
      amount: facts.amount,
      currency: 'VND',
      status: 'pending',
      version: 1,
      description: facts.description,
      payer: facts.payer,
      agencyId: facts.agencyId,
      agencyName: facts.agencyName,
      ...(facts.procedureCode ? { procedureCode: facts.procedureCode } : {}),
      ...(facts.procedureName ? { procedureName: facts.procedureName } : {}),
      createdAt: at,
      expiresAt: expiresAt.toISOString(),
      updatedAt: at,
    };
    const response = await created(payment, ctx);
    const outcome = await ports.createPayment({
      payment,
      previous: current,
      ...(facts.dossierStatus ? { dossierStatus: facts.dossierStatus } : {}),
      ...(facts.newBill && !current ? { newBill: facts.newBill } : {}),
      idempotency: { ownerSub, key, requestHash: hash, response },
      at,
    });
    if (outcome === 'committed') return { status: 201, body: response };
    if (outcome === 'idempotency-key-taken') {
      const winner = await replay(ports, ownerSub, key, hash);
      if (winner) return { status: 201, body: winner };
    }
    // Another attempt was created meanwhile: look again (it is now the pending one).
  }
  throw new AppError('CONFLICT');
}

export async function createDossierPayment(
  ports: PaymentPorts,
  ctx: () => Promise<CreateContext>,
  ownerSub: string,
  key: string,
  code: string,
) {
  const hash = hashOf(`dossier:${code}`);
  const earlier = await replay(ports, ownerSub, key, hash);
  if (earlier) return { status: 201 as const, body: earlier };
  const dossier = await ports.loadDossier(code);
  // Who may pay for it was decided by the route's access rule; the attempt is the payer's.
  if (!dossier) throw new AppError('DOSSIER_NOT_FOUND');
  if (!dossier.payment) throw new AppError('PAYMENT_NOT_REQUIRED');
  if (dossier.payment.status === 'succeeded') throw new AppError('PAYMENT_ALREADY_MADE');
  if (dossier.payment.status === 'refunded') throw new AppError('PAYMENT_REFUNDED');
  if (!awaitsFee(dossier))
    throw new AppError('ILLEGAL_TRANSITION', { currentStatus: dossier.status, event: 'payment.succeeded' });
  const payer = typeof dossier.form.fullName === 'string' ? dossier.form.fullName : 'Người nộp hồ sơ';
  return createFor(
    ports,
    await ctx(),
    ownerSub,
    key,
    hash,
    {
      order: { kind: 'dossier', code },
      // Readable by whoever may read the dossier, whoever of them started it.
      owner: {
        ownerSub: dossier.ownerSub,
        ...(dossier.enterpriseTaxCode ? { enterpriseTaxCode: dossier.enterpriseTaxCode } : {}),
        ...(dossier.filedBy ? { filedBy: dossier.filedBy } : {}),
      },
      shared: true,
      dossierStatus: dossier.status,
      amount: dossier.payment.amount,
      description: `Le phi ho so ${code}`,
      payer,
      agencyId: dossier.agencyId,
      agencyName: dossier.agencyName,
      procedureCode: dossier.procedureCode,
      procedureName: dossier.procedureName,
    },
    { order: dossier.payment },
  );
}

export async function createBillPayment(
  ports: PaymentPorts,
  ctx: () => Promise<CreateContext>,
  ownerSub: string,
  key: string,
  bill: Bill,
  billerName: string,
) {
  const hash = hashOf(`bill:${bill.biller}:${bill.customerCode}`);
  const earlier = await replay(ports, ownerSub, key, hash);
  if (earlier) return { status: 201 as const, body: earlier };
  if (bill.amountDue <= 0) throw new AppError('NOTHING_DUE');
  return createFor(ports, await ctx(), ownerSub, key, hash, {
    order: {
      kind: 'bill',
      biller: bill.biller,
      billId: bill.billId,
      customerCode: bill.customerCode,
      period: bill.period,
    },
    owner: { ownerSub },
    shared: false,
    amount: bill.amountDue,
    description: `Thanh toan tien dien ${bill.customerCode} ky ${bill.period}`,
    payer: bill.customerName,
    agencyId: bill.biller,
    agencyName: billerName,
    newBill: bill,
  });
}

export type SettleOutcome =
  | 'credited'
  | 'closed'
  | 'refund-flagged'
  | 'duplicate'
  | 'not-found'
  | 'amount-mismatch'
  | 'still-pending';

export function receiptFor(
  p: PaymentRecord,
  transactionId: string,
  paidAt: string,
  at: string,
): ReceiptRecord {
  // The day as the payer lived it: 00:30 on the 7th in Vietnam is still the 6th in UTC.
  const day = localDate(new Date(paidAt)).replaceAll('-', '');
  return {
    receiptNumber: `BL${day}-${p.paymentId.slice(-10)}`,
    paymentId: p.paymentId,
    ownerSub: p.ownerSub,
    payer: p.payer,
    amount: p.amount,
    currency: 'VND',
    description: p.description,
    ...(p.procedureCode ? { procedureCode: p.procedureCode } : {}),
    ...(p.procedureName ? { procedureName: p.procedureName } : {}),
    ...(p.order.kind === 'dossier' ? { dossierCode: p.order.code } : {}),
    agencyId: p.agencyId,
    agencyName: p.agencyName,
    provider: p.provider,
    providerTransactionId: transactionId,
    paidAt,
    issuedAt: at,
  };
}

/** A dossier takes its fee only while it waits for it (the state machine's `payment.succeeded` step). */
const awaitsFee = (d: DossierRecord) => decide(d.status, 'payment.succeeded', 'system').kind === 'apply';

function dossierFollowUp(
  ports: PaymentPorts,
  p: PaymentRecord,
  dossier: DossierRecord,
  receipt: ReceiptRecord,
  at: string,
) {
  const code = dossier.code;
  const channel = ports.agencyChannel(dossier.agencyId);
  if (!channel) throw new Error(`dossier ${code} names agency ${dossier.agencyId} without a channel`);
  const event = sealEvent({
    seq: dossier.lastSeq + 1,
    at,
    type: 'payment.succeeded',
    status: dossier.status,
    actor: 'system',
    source: p.paymentId,
    note: `Đã thanh toán ${p.amount.toLocaleString('vi-VN')} đồng qua cổng thanh toán`,
    prevHash: dossier.lastHash,
  });
  const outboxId = ulid(Date.parse(at));
  return {
    code,
    expectedVersion: dossier.version,
    event,
    outbox: {
      id: outboxId,
      channel,
      messages: [
        queueMessageOf({
          type: 'dossier.submitted',
          dossierCode: code,
          agencyId: dossier.agencyId,
          webhookId: outboxWebhookId(outboxId, code),
          // Credited in this very transaction: the agency is told of the fee without a read of it.
          payment: {
            paymentId: p.paymentId,
            amount: p.amount,
            currency: p.currency,
            status: 'paid',
            paidAt: receipt.paidAt,
            provider: p.provider,
            providerTransactionId: receipt.providerTransactionId,
            receiptNumber: receipt.receiptNumber,
          },
        }),
      ],
    },
  };
}

/**
 * Why a reported charge cannot be credited, or undefined when it can: its order was paid already (by
 * this payment or another), its dossier no longer waits for the fee, or it came after its payment
 * was closed or expired.
 */
function uncreditable(
  payment: PaymentRecord,
  order: OrderPayment | undefined,
  dossier: DossierRecord | undefined,
  paidAt: string,
): FlaggedReason | undefined {
  if (payment.paidAt || order?.status === 'succeeded' || order?.status === 'refunded')
    return 'order_already_paid';
  if (dossier && !awaitsFee(dossier)) return 'dossier_closed';
  if (payment.status !== 'pending' || Date.parse(paidAt) > Date.parse(payment.expiresAt))
    return 'late_success';
  return undefined;
}

/** A short random pause, so notices racing for one payment do not collide again in step. */
const jitter = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(attempt, 5)));

/**
 * Applies what the provider says (a callback, or its answer to reconciliation). Checks amount and
 * currency against the stored payment; a provider transaction is applied once; only a charge its order
 * still waits for is credited: any other (too late, a second charge, a dossier withdrawn or refused) is
 * recorded and owed back, once per provider transaction.
 */
export async function settle(
  ports: PaymentPorts,
  providerId: string,
  result: ProviderResult,
): Promise<SettleOutcome> {
  for (let attempt = 0; attempt < SETTLE_ATTEMPTS; attempt++) {
    if (attempt > 0) await jitter(attempt);
    const payment = await ports.loadPayment(result.paymentId);
    if (!payment || payment.provider !== providerId) return 'not-found';
    const now = ports.now();
    const at = now.toISOString();
    if (result.amount !== payment.amount || result.currency !== payment.currency) {
      await ports.recordAnomaly({
        paymentId: payment.paymentId,
        type: 'amount_mismatch',
        at,
        provider: payment.provider,
        amount: payment.amount,
        currency: payment.currency,
        order: payment.order,
        ...(result.transactionId ? { transactionId: result.transactionId } : {}),
        reported: { amount: result.amount, currency: result.currency },
      });
      countEvent('PaymentsFlagged');
      return 'amount-mismatch';
    }
    // A success the provider cannot name a transaction for is not credited on its word.
    if (result.outcome === 'pending' || (result.outcome === 'succeeded' && !result.transactionId))
      return 'still-pending';
    if (result.transactionId && payment.providerTransactionId === result.transactionId) return 'duplicate';

    if (result.outcome === 'succeeded' && result.transactionId) {
      const paidAt = result.paidAt ?? at;
      const dossier =
        payment.order.kind === 'dossier' ? await ports.loadDossier(payment.order.code) : undefined;
      if (payment.order.kind === 'dossier' && !dossier)
        throw new Error(`payment ${payment.paymentId} names missing dossier ${payment.order.code}`);
      // A dossier's order is the dossier item's own payment field: read once, with the dossier.
      const order = dossier ? dossier.payment : await ports.loadOrder(payment.order);
      const reason = uncreditable(payment, order, dossier, paidAt);
      if (reason) {
        const closing = payment.status === 'pending';
        const out = await ports.commitFlag({
          payment,
          transactionId: result.transactionId,
          reason,
          ...(closing
            ? {
                close: {
                  to: reason === 'late_success' ? 'expired' : 'failed',
                  updateOrder: order?.paymentId === payment.paymentId,
                },
              }
            : {}),
          at,
        });
        if (out === 'committed') {
          countEvent('PaymentsFlagged');
          return 'refund-flagged';
        }
        if (out === 'transaction-seen') return 'duplicate';
        continue;
      }
      const receipt = receiptFor(payment, result.transactionId, paidAt, at);
      const out = await ports.commitSuccess({
        payment,
        transactionId: result.transactionId,
        paidAt,
        receipt,
        ...(dossier ? { dossier: dossierFollowUp(ports, payment, dossier, receipt, at) } : {}),
        at,
      });
      if (out === 'committed') {
        countEvent('PaymentsSucceeded');
        return 'credited';
      }
      if (out === 'transaction-seen') return 'duplicate';
      // The order was paid, the payment or the dossier changed meanwhile: read again and decide anew.
      continue;
    }

    if (payment.status !== 'pending') return 'duplicate';
    const current = await ports.loadOrder(payment.order);
    const out = await ports.commitClose({
      payment,
      to: result.outcome === 'expired' ? 'expired' : 'failed',
      ...(result.transactionId ? { transactionId: result.transactionId } : {}),
      updateOrder: current?.paymentId === payment.paymentId,
      at,
    });
    if (out === 'committed') return 'closed';
    if (out === 'transaction-seen') return 'duplicate';
  }
  throw new AppError('CONFLICT');
}

/** The receipt of a succeeded payment (the route's access rule lets only its owner reach it). */
/**
 * A payment's receipt. `beforeAnswer` runs once the receipt is found and before it is answered: the
 * handler records there a read of it by someone other than the dossier's owner (it names the payer).
 */
export async function receiptOf(
  ports: PaymentPorts,
  paymentId: string,
  beforeAnswer?: (receipt: ReceiptRecord) => Promise<void>,
) {
  const payment = await ports.loadPayment(paymentId);
  if (!payment) throw new AppError('PAYMENT_NOT_FOUND');
  const receipt = await ports.loadReceipt(paymentId);
  if (!receipt) throw new AppError('RECEIPT_NOT_FOUND');
  await beforeAnswer?.(receipt);
  return toReceiptView(receipt);
}
