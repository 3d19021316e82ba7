/** Payment flows shared by the HTTP handler and reconciliation: settle, then tell a biller a bill is paid. */
import { logger } from '../core/logger.js';
import { billerFor } from './billers.js';
import type { ProviderResult } from './model.js';
import { type SettleOutcome, settle } from './payments.js';
import type { PaymentStore } from './store.js';

/** Settles a provider result; a credited bill is then confirmed to its biller (retried by reconciliation). */
export async function settleAndConfirm(
  store: PaymentStore,
  providerId: string,
  result: ProviderResult,
): Promise<SettleOutcome> {
  const outcome = await settle(store, providerId, result);
  logger.info('payment settled', {
    paymentId: result.paymentId,
    providerId,
    outcome,
    code: result.responseCode,
  });
  if (outcome === 'credited') await confirmBill(store, result.paymentId).catch(() => false);
  return outcome;
}

/** True once the biller knows; false leaves the payment on the biller work list for reconciliation. */
export async function confirmBill(store: PaymentStore, paymentId: string): Promise<boolean> {
  const p = await store.loadPayment(paymentId);
  if (p?.order.kind !== 'bill' || p.billerStatus !== 'pending' || !p.paidAt) return true;
  const biller = await billerFor(p.order.biller);
  if (!biller) return false;
  try {
    await biller.confirm({
      billId: p.order.billId,
      customerCode: p.order.customerCode,
      paymentId: p.paymentId,
      amount: p.amount,
      paidAt: p.paidAt,
    });
  } catch (err) {
    logger.warn('biller confirmation failed', { paymentId, error: (err as Error).message });
    return false;
  }
  await store.markBillerConfirmed(paymentId);
  return true;
}
