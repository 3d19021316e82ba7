/**
 * A pending attempt handed back again: its page is signed anew from the attempt's own facts, by the
 * provider it was made with (even after the portal's configured provider changed), and an attempt recorded
 * with its page keeps that page.
 */
import { describe, expect, it } from 'vitest';
import type { PaymentRecord } from '../../functions/payments/model.js';
import {
  type CreateContext,
  createDossierPayment,
  type PaymentPorts,
} from '../../functions/payments/payments.js';
import type { PaymentProvider } from '../../functions/payments/providers.js';

const NOW = new Date('2026-12-07T03:00:00.000Z');

const provider = (id: string): PaymentProvider =>
  ({
    id,
    redirectUrl: (p: Parameters<PaymentProvider['redirectUrl']>[0]) =>
      `https://${id}.example/pay?ref=${p.paymentId}&amount=${p.amount}&until=${p.expiresAt.toISOString()}&back=${p.returnUrl}`,
  }) as PaymentProvider;

const pending: PaymentRecord = {
  paymentId: '01KPENDING0000000000000000',
  provider: 'old-gateway',
  order: { kind: 'dossier', code: 'CAHN-261207-0001' },
  ownerSub: 'citizen-1',
  startedBy: 'citizen-1',
  amount: 135_000,
  currency: 'VND',
  status: 'pending',
  version: 1,
  description: 'Le phi ho so CAHN-261207-0001',
  payer: 'Nguyễn Văn An',
  agencyId: 'cahn',
  agencyName: 'Công an thành phố Hà Nội',
  createdAt: '2026-12-07T02:55:00.000Z',
  expiresAt: '2026-12-07T03:10:00.000Z',
  updatedAt: '2026-12-07T02:55:00.000Z',
};

function portsWith(payment: PaymentRecord): PaymentPorts {
  return {
    now: () => NOW,
    findIdempotent: async () => undefined,
    loadDossier: async () =>
      ({
        code: 'CAHN-261207-0001',
        status: 'submitted',
        ownerSub: 'citizen-1',
        form: { fullName: 'Nguyễn Văn An' },
        agencyId: 'cahn',
        agencyName: 'Công an thành phố Hà Nội',
        procedureCode: '1.002804',
        procedureName: 'Đổi giấy phép lái xe',
        payment: { paymentId: payment.paymentId, status: 'pending', amount: 135_000 },
      }) as never,
    loadPayment: async (id) => (id === payment.paymentId ? payment : undefined),
    createPayment: async () => {
      throw new Error('a pending attempt is handed back, not made again');
    },
  } as Partial<PaymentPorts> as PaymentPorts;
}

const ctx = (): Promise<CreateContext> =>
  Promise.resolve({
    provider: provider('new-gateway'),
    ttlSeconds: 900,
    returnUrl: 'https://cong.example/v1/payments/return/new-gateway',
    providerFor: async (id) => (id === 'old-gateway' ? provider(id) : undefined),
    returnUrlOf: (id) => `https://cong.example/v1/payments/return/${id}`,
  });

describe('a pending payment handed back', () => {
  it('is signed again by the provider it was made with, returning to that provider’s page', async () => {
    const res = await createDossierPayment(
      portsWith(pending),
      ctx,
      'citizen-1',
      'key-0001',
      'CAHN-261207-0001',
    );
    expect(res.status).toBe(200);
    expect(res.body.redirectUrl).toBe(
      'https://old-gateway.example/pay?ref=01KPENDING0000000000000000&amount=135000' +
        '&until=2026-12-07T03:10:00.000Z&back=https://cong.example/v1/payments/return/old-gateway',
    );
  });

  it('keeps the page of an attempt recorded with it', async () => {
    const recorded = { ...pending, redirectUrl: 'https://old-gateway.example/pay?as-first-signed' };
    const res = await createDossierPayment(
      portsWith(recorded),
      ctx,
      'citizen-1',
      'key-0002',
      'CAHN-261207-0001',
    );
    expect(res.body.redirectUrl).toBe('https://old-gateway.example/pay?as-first-signed');
  });

  it('is refused, not handed out unsigned, when its provider is no longer configured', async () => {
    const gone = { ...pending, provider: 'retired-gateway' };
    await expect(
      createDossierPayment(portsWith(gone), ctx, 'citizen-1', 'key-0003', 'CAHN-261207-0001'),
    ).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' });
  });
});
