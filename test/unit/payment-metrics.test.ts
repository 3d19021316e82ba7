/**
 * Settling a payment counts what an operator follows: a credited payment once in PaymentsSucceeded, a
 * payment that needs an operator (an amount that does not match, money owed back) in PaymentsFlagged,
 * and a repeated notice of either nothing more.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onBusinessMetric } from '../../functions/core/metrics.js';
import type { PaymentRecord, ProviderResult } from '../../functions/payments/model.js';
import { type PaymentPorts, settle } from '../../functions/payments/payments.js';

const NOW = new Date('2026-11-20T03:00:00.000Z');
const PAYMENT = {
  paymentId: '01JBILLPAYMENT000000000001',
  provider: 'sandbox',
  ownerSub: 'payer-a',
  payer: { name: 'Trần Thị Bình' },
  amount: 350_000,
  currency: 'VND',
  status: 'pending',
  description: 'Tiền điện kỳ 2026-10',
  agencyId: 'evn',
  agencyName: 'EVN',
  createdAt: '2026-11-20T02:55:00.000Z',
  expiresAt: '2026-11-20T03:10:00.000Z',
  order: {
    kind: 'bill',
    biller: 'evn',
    billId: 'HD-2026-10',
    customerCode: 'PD01000123456',
    period: '2026-10',
  },
} as unknown as PaymentRecord;

const paid = (over: Partial<ProviderResult> = {}): ProviderResult => ({
  paymentId: PAYMENT.paymentId,
  transactionId: '14123456',
  amount: 350_000,
  currency: 'VND',
  outcome: 'succeeded',
  paidAt: '2026-11-20T02:58:00.000Z',
  responseCode: '00',
  ...over,
});

function ports(payment: PaymentRecord, writes: { result: 'committed' | 'transaction-seen' }) {
  return {
    now: () => NOW,
    loadPayment: async () => payment,
    loadOrder: async () => undefined,
    loadDossier: async () => undefined,
    recordAnomaly: async () => {},
    commitSuccess: async () => writes.result,
    commitFlag: async () => writes.result,
    commitClose: async () => writes.result,
  } as unknown as PaymentPorts;
}

let seen: string[];
let stop: () => void;
beforeEach(() => {
  seen = [];
  stop = onBusinessMetric((name, count) => seen.push(`${name}:${count}`));
});
afterEach(() => stop());

describe('payment metrics', () => {
  it('counts a credited payment once, not its repeated notice', async () => {
    const writes = { result: 'committed' as const };
    expect(await settle(ports(PAYMENT, writes), 'sandbox', paid())).toBe('credited');
    const again = { result: 'transaction-seen' as const };
    expect(await settle(ports(PAYMENT, again), 'sandbox', paid())).toBe('duplicate');
    expect(seen).toEqual(['PaymentsSucceeded:1']);
  });

  it('flags an amount that does not match', async () => {
    const out = await settle(ports(PAYMENT, { result: 'committed' }), 'sandbox', paid({ amount: 35_000 }));
    expect(out).toBe('amount-mismatch');
    expect(seen).toEqual(['PaymentsFlagged:1']);
  });

  it('flags a charge after the payment expired: money owed back', async () => {
    const late = paid({ paidAt: '2026-11-20T03:20:00.000Z' });
    expect(await settle(ports(PAYMENT, { result: 'committed' }), 'sandbox', late)).toBe('refund-flagged');
    expect(seen).toEqual(['PaymentsFlagged:1']);
  });

  it('counts nothing for a payment still pending or closed without a charge', async () => {
    const p = ports(PAYMENT, { result: 'committed' });
    expect(await settle(p, 'sandbox', paid({ outcome: 'pending' }))).toBe('still-pending');
    expect(await settle(p, 'sandbox', paid({ outcome: 'cancelled', transactionId: undefined }))).toBe(
      'closed',
    );
    expect(seen).toEqual([]);
  });
});
