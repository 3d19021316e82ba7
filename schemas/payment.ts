import * as z from 'zod';
import { dossierCode, isoDateTime, listQuery, nfcText, procedureCode, ulid } from './common.js';
import { paymentStatus } from './payment-status.js';

export {
  dossierPaymentSummary,
  orderPaymentStatus,
  type PaymentStatus,
  paymentStatus,
} from './payment-status.js';

export const paymentCreated = z
  .object({
    paymentId: ulid,
    amount: z.number().int().positive(),
    currency: z.literal('VND'),
    status: paymentStatus,
    redirectUrl: z.url(),
    expiresAt: isoDateTime,
  })
  .meta({ id: 'PaymentCreated' });

export const paymentParams = z.object({ paymentId: ulid });
export const providerParams = z.object({ provider: z.string().regex(/^[a-z0-9-]{2,32}$/) });

export const paymentView = z
  .object({
    paymentId: ulid,
    amount: z.number().int().positive(),
    currency: z.literal('VND'),
    status: paymentStatus,
    provider: z.string(),
    createdAt: isoDateTime,
    expiresAt: isoDateTime,
    paidAt: isoDateTime.optional(),
    dossierCode: dossierCode.optional(),
    bill: z.object({ biller: z.string(), customerCode: z.string(), period: z.string() }).optional(),
    /** Some money of this payment (too late, charged twice, or for a closed dossier) is still owed back. */
    refundDue: z.boolean(),
    /** When the money was given back (status `refunded`, or a flagged late payment). */
    refundedAt: isoDateTime.optional(),
  })
  .meta({ id: 'Payment' });

export const receiptView = z
  .object({
    receiptNumber: z.string(),
    paymentId: ulid,
    payer: z.string(),
    amount: z.number().int().positive(),
    currency: z.literal('VND'),
    description: z.string(),
    procedureCode: procedureCode.optional(),
    procedureName: z.string().optional(),
    dossierCode: dossierCode.optional(),
    agencyId: z.string(),
    agencyName: z.string(),
    provider: z.string(),
    providerTransactionId: z.string(),
    paidAt: isoDateTime,
    issuedAt: isoDateTime,
    /** Set once the payment was refunded: the receipt then no longer proves the fee is paid. */
    refund: z
      .object({ refundedAt: isoDateTime, amount: z.number().int().positive(), reason: z.string() })
      .optional(),
  })
  .meta({ id: 'Receipt' });

/** The provider's answer convention (VNPay-style IPN acknowledgement), not the portal's error shape. */
export const ipnAcknowledgement = z
  .object({ RspCode: z.string(), Message: z.string() })
  .meta({ id: 'IpnAcknowledgement' });

export const paymentReturnView = z
  .object({ paymentId: ulid, status: paymentStatus, providerResult: z.string() })
  .meta({ id: 'PaymentReturn' });

/** EVN customer codes: two letters and eleven digits, e.g. PD01000123456. */
export const electricityCustomer = z
  .object({
    customerCode: z
      .string()
      .trim()
      .toUpperCase()
      .regex(
        /^P[A-Z]\d{11}$/,
        'mã khách hàng gồm 13 ký tự, ví dụ PD01000123456 / 13-character customer code',
      ),
  })
  .strict()
  .meta({ id: 'ElectricityCustomer' });

export const electricityBillView = z
  .object({
    biller: z.literal('evn'),
    customerCode: z.string(),
    customerName: z.string(),
    period: z.string(),
    billId: z.string(),
    amountDue: z.number().int().min(0),
    currency: z.literal('VND'),
  })
  .meta({ id: 'ElectricityBill' });

/** An operator gives the money of a payment back; the reason is kept on the payment and its receipt. */
export const refundRequest = z
  .object({
    reason: nfcText(500, 5),
    /**
     * Which charge to give back, as listed in the anomalies; without it, the oldest charge owed back,
     * else the credited payment.
     */
    transactionId: z
      .string()
      .regex(/^[0-9A-Za-z_-]{1,40}$/)
      .optional(),
  })
  .strict()
  .meta({ id: 'RefundRequest' });

export const anomalyQuery = listQuery;

/** Something about a payment that needs an operator: money owed back, or a provider that disagreed. */
export const paymentAnomalyView = z
  .object({
    paymentId: ulid,
    type: z.enum(['refund_due', 'amount_mismatch']),
    at: isoDateTime,
    provider: z.string(),
    amount: z.number().int().positive(),
    currency: z.literal('VND'),
    dossierCode: dossierCode.optional(),
    bill: z.object({ biller: z.string(), customerCode: z.string(), period: z.string() }).optional(),
    transactionId: z.string().optional(),
    /** refund_due: why the money cannot be credited (a dossier withdrawn or refused: `dossier_closed`). */
    refundReason: z.enum(['late_success', 'order_already_paid', 'dossier_closed']).optional(),
    /** amount_mismatch: what the provider reported instead. */
    reported: z.object({ amount: z.number(), currency: z.string() }).optional(),
    /** Once an operator dealt with it. */
    resolution: z
      .object({ at: isoDateTime, by: z.enum(['refund', 'note']), note: z.string().optional() })
      .optional(),
  })
  .meta({ id: 'PaymentAnomaly' });

/** An operator's finding on a provider that disagreed (money owed back is settled by a refund instead). */
export const anomalyResolutionRequest = z
  .object({
    /** The anomaly's `at`, as listed. */
    at: isoDateTime,
    note: nfcText(1000, 5),
  })
  .strict()
  .meta({ id: 'AnomalyResolutionRequest' });

export const paymentAnomalyList = z
  .object({ items: z.array(paymentAnomalyView), nextCursor: z.string().nullable() })
  .meta({ id: 'PaymentAnomalyList' });
