/**
 * Reconciliation: payments still pending some minutes after creation are asked about at their
 * provider and settled from its answer (a callback that never came is not money lost); payments past
 * expiry that the provider never saw are expired; disagreements are recorded; bills paid but not yet
 * confirmed to their biller are confirmed. Runs on a schedule (EventBridge, a timer locally) and on
 * demand (`npm run payments:reconcile`).
 */

import type { Context } from 'aws-lambda';
import { config } from '../core/config.js';
import { type DrainBudget, drainLanes, lambdaBudget, unbounded } from '../core/drain.js';
import { correlate, logger } from '../core/logger.js';
import { PAYMENTS } from '../core/resources.js';
import type { SettleOutcome } from './payments.js';
import { type PaymentProvider, providerFor } from './providers.js';
import { confirmBill, settleAndConfirm } from './service.js';
import { type PaymentStore, paymentStore } from './store.js';
import type { WaitingCursor } from './work-store.js';

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
  /** Queue shards left with waiting payments when the run's time ran out: the next run takes them. */
  unfinished: number;
}

/** Every shard of a waiting queue, by shard number. */
const shardsOf = (store: Pick<PaymentStore, 'workShards'>) =>
  Array.from({ length: store.workShards }, (_, shard) => shard);

/** Up to `limit` waiting payment ids of a queue, shard after shard (what a dry run would ask about). */
export async function listWaitingUpTo(
  store: Pick<PaymentStore, 'workShards' | 'listWaiting'>,
  queue: 'pending' | 'biller',
  before: string,
  limit: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (const shard of shardsOf(store)) {
    let after: WaitingCursor | undefined;
    do {
      const page = await store.listWaiting(queue, shard, before, after);
      ids.push(...page.entries);
      after = page.next;
    } while (after && ids.length < limit);
    if (ids.length >= limit) break;
  }
  return ids.slice(0, limit);
}

/**
 * One run: every shard of the pending queue, then of the biller queue, drained side by side
 * (functions/core/drain.ts) until done or the run's time is nearly spent. A payment still pending at
 * its provider is passed over, never re-read ahead of the ones behind it in the same run.
 */
export async function reconcilePayments(
  store: PaymentStore,
  resolveProvider: (id: string) => Promise<PaymentProvider | undefined>,
  olderThanSeconds: number,
  budget: DrainBudget = unbounded(PAYMENTS.reconcileConcurrency),
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
    unfinished: 0,
  };
  const before = new Date(now.getTime() - olderThanSeconds * 1000).toISOString();
  report.unfinished += await drainLanes({
    lanes: shardsOf(store),
    read: (shard, after?: WaitingCursor) => store.listWaiting('pending', shard, before, after),
    handle: async (paymentId) => {
      report.checked++;
      try {
        await reconcileOne(store, resolveProvider, paymentId, now, report);
      } catch (err) {
        report.errors.push({ paymentId, error: (err as Error).message });
      }
    },
    budget,
  });
  report.unfinished += await drainLanes({
    lanes: shardsOf(store),
    read: (shard, after?: WaitingCursor) => store.listWaiting('biller', shard, now.toISOString(), after),
    handle: async (paymentId) => {
      if (await confirmBill(store, paymentId)) report.billsConfirmed++;
      else report.billsUnconfirmed++;
    },
    budget,
  });
  if (report.unfinished)
    logger.warn('payments reconciliation ran out of time', { unfinishedShards: report.unfinished });
  logger.info('payments reconciled', {
    ...report,
    mismatches: report.mismatches.length,
    errors: report.errors.length,
  });
  return report;
}

/** Asks the provider about one waiting payment and settles, expires or leaves it from the answer. */
async function reconcileOne(
  store: PaymentStore,
  resolveProvider: (id: string) => Promise<PaymentProvider | undefined>,
  paymentId: string,
  now: Date,
  report: ReconcileReport,
) {
  const p = await store.loadPayment(paymentId);
  if (p?.status !== 'pending') return;
  const provider = await resolveProvider(p.provider);
  if (!provider) throw new Error(`provider ${p.provider} is not configured`);
  const answer = await provider.query({ paymentId, createdAt: p.createdAt });
  const expiredNow = Date.parse(p.expiresAt) <= now.getTime();
  if (!answer || answer.outcome === 'pending') {
    if (!expiredNow) {
      report.stillPending++;
      return;
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
    return;
  }
  const outcome = await settleAndConfirm(store, p.provider, answer);
  report.settled[outcome] = (report.settled[outcome] ?? 0) + 1;
  if (outcome === 'amount-mismatch') report.mismatches.push(paymentId);
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
  return reconcilePayments(
    store,
    providerFor,
    after,
    lambdaBudget(PAYMENTS.reconcileConcurrency, PAYMENTS.reconcileReserveMs, context),
  );
};
