import { describe, expect, it } from 'vitest';
import type { PaymentRecord } from '../../functions/payments/model.js';
import { receiptFor } from '../../functions/payments/payments.js';

const payment = {
  paymentId: '01KBX0000000000000PAYMENT1',
  ownerSub: 'citizen-an',
  provider: 'sandbox',
  order: { kind: 'dossier', code: 'UBX00070-261207-0001' },
  startedBy: 'citizen-an',
  amount: 50_000,
  currency: 'VND',
  status: 'pending',
  version: 1,
  description: 'Lệ phí',
  payer: 'Nguyễn Văn An',
  agencyId: 'ubx-00070',
  agencyName: 'UBND xã',
  redirectUrl: 'http://localhost/',
  createdAt: '2026-12-06T17:20:00.000Z',
  expiresAt: '2026-12-06T17:50:00.000Z',
  updatedAt: '2026-12-06T17:20:00.000Z',
} as unknown as PaymentRecord;

describe('payment receipt numbers', () => {
  it("carry the payment's date in Vietnam, not in UTC", () => {
    // 00:30 on 7 December 2026 in Vietnam is 17:30 on the 6th in UTC.
    const r = receiptFor(payment, 'TX1', '2026-12-06T17:30:00.000Z', '2026-12-06T17:30:01.000Z');
    expect(r.receiptNumber).toBe('BL20261207-00PAYMENT1');
    const evening = receiptFor(payment, 'TX1', '2026-12-06T16:59:59.000Z', '2026-12-06T17:00:00.000Z');
    expect(evening.receiptNumber).toMatch(/^BL20261206-/);
  });
});
