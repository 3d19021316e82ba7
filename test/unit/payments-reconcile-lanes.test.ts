/**
 * Reconciliation after a peak: every shard of the pending queue is read page after page in one run,
 * payments still pending at their provider do not hold back those behind them, and a run stops before
 * its time is spent, leaving the rest for the next.
 */
import { describe, expect, it } from 'vitest';
import type { PaymentRecord } from '../../functions/payments/model.js';
import type { PaymentProvider } from '../../functions/payments/providers.js';
import { listWaitingUpTo, reconcilePayments } from '../../functions/payments/reconcile.js';
import type { PaymentStore } from '../../functions/payments/store.js';

const NOW = new Date('2026-12-07T03:00:00.000Z');

/** `perShard` waiting payments in each of `shards` shards, all still pending at their provider. */
function waiting(shards: number, perShard: number, pageSize: number) {
  const asked: string[] = [];
  const ids = (shard: number) => Array.from({ length: perShard }, (_, i) => `p${shard}-${i}`);
  const store = {
    now: () => NOW,
    workShards: shards,
    async listWaiting(queue: 'pending' | 'biller', shard: number, _before: string, after?: { at: string }) {
      if (queue === 'biller') return { entries: [] };
      const all = ids(shard);
      const from = after ? all.indexOf(after.at) + 1 : 0;
      const entries = all.slice(from, from + pageSize);
      return {
        entries,
        ...(from + pageSize < all.length ? { next: { at: entries.at(-1)! } } : {}),
      };
    },
    async loadPayment(paymentId: string) {
      return {
        paymentId,
        provider: 'sandbox',
        status: 'pending',
        createdAt: '2026-12-07T02:00:00.000Z',
        expiresAt: '2026-12-07T04:00:00.000Z',
      } as PaymentRecord;
    },
  } as unknown as PaymentStore;
  const provider = {
    id: 'sandbox',
    async query({ paymentId }: { paymentId: string }) {
      asked.push(paymentId);
      return { outcome: 'pending' };
    },
  } as unknown as PaymentProvider;
  return { store, provider, asked, ids };
}

describe('payments reconciliation after a peak', () => {
  it('asks about every waiting payment of every shard in one run, page after page', async () => {
    const w = waiting(4, 5, 2);
    const report = await reconcilePayments(w.store, async () => w.provider, 600);
    expect(report).toMatchObject({ checked: 20, stillPending: 20, unfinished: 0, errors: [] });
    // Shard 0's payments still pending at the provider did not keep shard 3's from being asked about.
    expect(new Set(w.asked)).toEqual(new Set([0, 1, 2, 3].flatMap(w.ids)));
  });

  it('asks a provider about as many payments at once as the run works shards', async () => {
    const w = waiting(4, 3, 3);
    let inFlight = 0;
    let most = 0;
    const query = w.provider.query.bind(w.provider);
    w.provider.query = async (p) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return query(p);
    };
    const budget = { concurrency: 2, timeLeftMs: () => Number.POSITIVE_INFINITY, reserveMs: 0 };
    expect((await reconcilePayments(w.store, async () => w.provider, 600, budget)).checked).toBe(12);
    expect(most).toBe(2);
  });

  it('stops before its time is spent and says how many shards it left', async () => {
    const w = waiting(2, 4, 10);
    let left = 100;
    const query = w.provider.query.bind(w.provider);
    w.provider.query = async (p) => {
      left -= 20;
      return query(p);
    };
    const budget = { concurrency: 1, timeLeftMs: () => left, reserveMs: 30 };
    const report = await reconcilePayments(w.store, async () => w.provider, 600, budget);
    // 100 → 80 → 60 → 40 → 20: shard 0's four payments were asked about; then 20 was left, under the 30
    // kept back, so pending shard 1 and both biller shards wait for the next run.
    expect(report).toMatchObject({ checked: 4, unfinished: 1 + 2 });
    expect(w.asked).toEqual(['p0-0', 'p0-1', 'p0-2', 'p0-3']);
  });

  it('lists for a dry run up to a limit, shard after shard', async () => {
    const w = waiting(3, 5, 2);
    expect(await listWaitingUpTo(w.store, 'pending', NOW.toISOString(), 7)).toEqual([
      ...w.ids(0),
      'p1-0',
      'p1-1',
    ]);
  });
});
