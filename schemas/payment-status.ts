/**
 * A payment's status and what a dossier shows of its payment, on their own: a dossier's view and the
 * table's payment reader use them without the payment API's schemas.
 */
import * as z from 'zod';
import { ulid } from './common.js';

export const paymentStatus = z.enum(['pending', 'succeeded', 'failed', 'expired', 'refunded']);
export type PaymentStatus = z.infer<typeof paymentStatus>;

/** What a dossier or bill shows of its payment; `unpaid` until a first attempt exists. */
export const orderPaymentStatus = z.enum(['unpaid', ...paymentStatus.options]);

export const dossierPaymentSummary = z.object({
  paymentId: ulid.optional(),
  status: orderPaymentStatus,
  amount: z.number().int().positive(),
});
