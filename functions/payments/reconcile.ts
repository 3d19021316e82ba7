/**
 * Reconciliation: payments still pending some minutes after creation are asked about at their
 * provider and settled from its answer (a callback that never came is not money lost); payments past
 * expiry that the provider never saw are expired; disagreements are recorded; bills paid but not yet
 * confirmed to their biller are confirmed. Runs on a schedule (EventBridge, a timer locally) and on
 * demand (`npm run payments:reconcile`).
 */

import type { Context } from 'aws-lambda';
import { config } from '../core/config.js';
import { correlate, logger } from '../core/logger.js';
import type { SettleOutcome } from './payments.js';
import { type PaymentProvider, providerFor } from './providers.js';
import { confirmBill, settleAndConfirm } from './service.js';
import { type PaymentStore, paymentStore } from './store.js';

export interface ReconcileReport {
  startedAt: string;
  checked: number;
  settled: Partial<Record<SettleOutcome, number>>;
  expired: number;
  stillPending: number;
  mismatches: string[];
  errors: { paymentId: string; error: string }[];
  billsConfirmed: number;
  billsUnconfirmed: number;
}

/** Payments one run asks about (the next run takes the rest). */
export const RECONCILE_BATCH = 200;

export async function reconcilePayments(
  store: PaymentStore,
  resolveProvider: (id: string) => Promise<PaymentProvider | undefined>,
  olderThanSeconds: number,
): Promise<ReconcileReport> {
  const now = store.now();
  const report: ReconcileReport = {
    startedAt: now.toISOString(),
    checked: 0,
    settled: {},
    expired: 0,
    stillPending: 0,
    mismatches: [],
    errors: [],
    billsConfirmed: 0,
    billsUnconfirmed: 0,
  };
  const before = new Date(now.getTime() - olderThanSeconds * 1000).toISOString();
  for (const paymentId of await store.listWaiting('pending', before, RECONCILE_BATCH)) {
    report.checked++;
    try {
      const p = await store.loadPayment(paymentId);
      if (p?.status !== 'pending') continue;
      const provider = await resolveProvider(p.provider);
      if (!provider) throw new Error(`provider ${p.provider} is not configured`);
      const answer = await provider.query({ paymentId, createdAt: p.createdAt });
      const expiredNow = Date.parse(p.expiresAt) <= now.getTime();
      if (!answer || answer.outcome === 'pending') {
        if (!expiredNow) {
          report.stillPending++;
          continue;
        }
        // The provider holds no money for it and its time is over: it expires (a retry may follow).
        const current = await store.loadOrder(p.order);
        const out = await store.commitClose({
          payment: p,
          to: 'expired',
          updateOrder: current?.paymentId === p.paymentId,
          at: now.toISOString(),
        });
        if (out === 'committed') report.expired++;
        continue;
      }
      const outcome = await settleAndConfirm(store, p.provider, answer);
      report.settled[outcome] = (report.settled[outcome] ?? 0) + 1;
      if (outcome === 'amount-mismatch') report.mismatches.push(paymentId);
    } catch (err) {
      report.errors.push({ paymentId, error: (err as Error).message });
    }
  }
  for (const paymentId of await store.listWaiting('biller', now.toISOString(), RECONCILE_BATCH)) {
    if (await confirmBill(store, paymentId)) report.billsConfirmed++;
    else report.billsUnconfirmed++;
  }
  logger.info('payments reconciled', {
    ...report,
    mismatches: report.mismatches.length,
    errors: report.errors.length,
  });
  return report;
}

let store: PaymentStore | undefined;

/** EventBridge's scheduled event, or `{ olderThanSeconds }` when run on demand. */
export const handler = async (
  event: { olderThanSeconds?: number } = {},
  context?: Context,
): Promise<ReconcileReport> => {
  correlate(undefined, context);
  store ??= paymentStore();
  const after =
    typeof event.olderThanSeconds === 'number'
      ? event.olderThanSeconds
      : config().PAYMENT_RECONCILE_AFTER_SECONDS;
  return reconcilePayments(store, providerFor, after);
};
