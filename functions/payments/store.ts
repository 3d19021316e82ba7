/**
 * The payment stores over DynamoDB, one per port: payments (payment-store.ts), refunds and anomalies
 * (refund-store.ts, anomaly-store.ts) and reconciliation work (work-store.ts). Every state change is a
 * conditional write or transaction.
 */
import { paymentPorts } from './payment-store.js';
import type { PaymentPorts } from './payments.js';
import { refundPorts } from './refund-store.js';
import type { RefundPorts } from './refunds.js';
import { paymentTable } from './store-common.js';
import { type ReconcileWorkPorts, reconcileWorkPorts } from './work-store.js';

export interface PaymentStore extends PaymentPorts, RefundPorts, ReconcileWorkPorts {}

export function paymentStore(): PaymentStore {
  const table = paymentTable();
  return { ...paymentPorts(table), ...refundPorts(table), ...reconcileWorkPorts(table) };
}
