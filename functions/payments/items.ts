/** Payment items as stored, parsed by kind; an item that does not match is an internal error (core/items.ts). */
import * as z from 'zod';
import { orderPaymentStatus, paymentStatus } from '../../schemas/payment-status.js';
import type { OrderPayment } from '../core/dossier.js';
import { itemParser, present, valueParser } from '../core/items.js';
import type { AnomalyRecord, Order, PaymentRecord, ReceiptRecord } from './model.js';

const text = z.string();
const money = z.number().nonnegative();
const order: z.ZodType<Order> = z.union([
  z.object({ kind: z.literal('dossier'), code: text }),
  z.object({
    kind: z.literal('bill'),
    biller: text,
    billId: text,
    customerCode: text,
    period: text,
  }),
]);

export const parsePayment = itemParser<PaymentRecord>('payment', {
  paymentId: text,
  provider: present(text),
  order,
  ownerSub: present(text),
  amount: money,
  currency: z.literal('VND'),
  status: paymentStatus,
  version: z.number().int().nonnegative(),
  createdAt: present(text),
  updatedAt: present(text),
});

export const parseReceipt = itemParser<ReceiptRecord>('receipt', {
  receiptNumber: present(text),
  paymentId: text,
  amount: money,
  providerTransactionId: present(text),
  paidAt: present(text),
  issuedAt: present(text),
});

export const parseAnomaly = itemParser<AnomalyRecord>('payment-anomaly', {
  paymentId: text,
  type: z.enum(['refund_due', 'amount_mismatch']),
  at: text,
  provider: present(text),
  amount: money,
  order,
});

/** The payment state an order item (dossier or bill) holds. */
export const parseOrderPayment = valueParser<OrderPayment>('order-payment', {
  amount: money,
  currency: z.literal('VND'),
  status: orderPaymentStatus,
});
