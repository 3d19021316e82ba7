/** Payments as stored: what is paid for (a dossier's fee or a utility bill), by whom, and where it stands. */
import type { PaymentStatus } from '../../schemas/payment.js';
import type { FiledBy, OrderPayment } from '../core/dossier.js';

export type Order =
  | { kind: 'dossier'; code: string }
  | { kind: 'bill'; biller: string; billId: string; customerCode: string; period: string };

/** The order's one-success marker: PAYMENT_SUCCESS#<ref>. */
export const orderRef = (o: Order) =>
  o.kind === 'dossier' ? `DOSSIER#${o.code}` : `BILL#${o.biller}#${o.billId}`;

/**
 * Why money is owed back, flagged on arrival: too late for its payment, for an order already paid, or
 * for a dossier that no longer waits for its fee (withdrawn or refused); or `operator` for a credited
 * payment given back on request.
 */
export type RefundReason = 'late_success' | 'order_already_paid' | 'dossier_closed' | 'operator';
export type FlaggedReason = Exclude<RefundReason, 'operator'>;

/** The latest refund made of a payment's money (each flagged charge is given back by its own refund). */
export interface RefundRecord {
  status: 'done';
  reason: RefundReason;
  /** The provider transaction whose money was given back. */
  providerTransactionId: string;
  /** When it was flagged; for an operator refund, when it was refunded. */
  at: string;
  refundedAt?: string;
  /** The provider's id of the refund itself. */
  providerRefundId?: string;
  /** The operator's reason, and who gave it. */
  note?: string;
  by?: string;
}

/** Who may read a payment: the same people as its order (the dossier's owner, enterprise and filer). */
export interface PaymentOwnership {
  ownerSub: string;
  enterpriseTaxCode?: string;
  filedBy?: FiledBy;
}

export interface PaymentRecord extends PaymentOwnership {
  paymentId: string;
  provider: string;
  order: Order;
  /** The account that started this attempt (a bill's payer; for a dossier, anyone who may pay it). */
  startedBy: string;
  /** Fixed when the payment is created; a callback for any other amount is refused. */
  amount: number;
  currency: 'VND';
  status: PaymentStatus;
  /** Optimistic lock: every change is conditional on the version it read. */
  version: number;
  description: string;
  payer: string;
  agencyId: string;
  agencyName: string;
  procedureCode?: string;
  procedureName?: string;
  /**
   * The provider's page as first signed. Not stored any more: it is signed again from the attempt's own
   * facts when the pending attempt is handed back (half of a payment item's size, written on every
   * change of it); attempts recorded before that keep theirs.
   */
  redirectUrl?: string;
  createdAt: string;
  expiresAt: string;
  updatedAt: string;
  providerTransactionId?: string;
  /** Set only when the payment is credited. */
  paidAt?: string;
  /** The latest money given back; money still owed back is listed as `refund_due` anomalies. */
  refund?: RefundRecord;
  /**
   * Held while an operator's refund is with the provider, so concurrent requests refund once; a hold
   * older than the refund timeout is abandoned and may be taken over (the provider refunds a
   * transaction once, so the retry is safe).
   */
  refunding?: { holdId: string; transactionId: string; at: string };
  /** Bills only: whether the biller has been told the bill is paid. */
  billerStatus?: 'pending' | 'confirmed';
}

export interface ReceiptRecord {
  receiptNumber: string;
  paymentId: string;
  ownerSub: string;
  payer: string;
  amount: number;
  currency: 'VND';
  description: string;
  procedureCode?: string;
  procedureName?: string;
  dossierCode?: string;
  agencyId: string;
  agencyName: string;
  provider: string;
  providerTransactionId: string;
  paidAt: string;
  issuedAt: string;
  refund?: { refundedAt: string; amount: number; reason: string };
}

/** What a provider says happened to a payment, after its signature was verified. */
export interface ProviderResult {
  paymentId: string;
  /** The provider's own transaction id; absent when nothing was charged (a cancelled page). */
  transactionId?: string;
  amount: number;
  currency: string;
  outcome: 'succeeded' | 'failed' | 'cancelled' | 'expired' | 'pending';
  /** When the money moved, by the provider's clock. */
  paidAt?: string;
  responseCode: string;
}

/** The payment state of an order item (the dossier, or the bill item). */
export type { OrderPayment };

/** Payments waiting on a partner are spread over shards of the work index by id. */
export function workShard(paymentId: string, shards: number): number {
  let h = 0;
  for (const c of paymentId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % shards;
}

/**
 * A recorded disagreement, or money owed back, listed for operators until it is dealt with. Money owed
 * back is one record per provider transaction, so every charge beyond the credited one is given back.
 */
export interface AnomalyRecord {
  paymentId: string;
  type: 'refund_due' | 'amount_mismatch';
  at: string;
  provider: string;
  amount: number;
  currency: 'VND';
  order: Order;
  transactionId?: string;
  refundReason?: FlaggedReason;
  reported?: { amount: number; currency: string };
  /** Set once an operator dealt with it; it then leaves the operators' list. */
  resolution?: AnomalyResolution;
}

export interface AnomalyResolution {
  at: string;
  /** How it was settled: `refund` for money given back, `note` for an operator's finding. */
  by: 'refund' | 'note';
  /** The provider's id of the refund that gave the money back. */
  providerRefundId?: string;
  operatorSub?: string;
  note?: string;
}
