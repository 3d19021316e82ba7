/**
 * The fee of a dossier as delivered to its agency, on its own: the queue messages carry it, and a module
 * that writes them then builds this one schema rather than every agency-facing schema.
 */
import * as z from 'zod';
import { isoDateTime } from './common.js';

/**
 * A dossier's fee as it was paid online: the amount, when and through which provider, the receipt the
 * citizen was given, and whether it has since been given back.
 */
export const deliveredPayment = z
  .object({
    paymentId: z.string(),
    amount: z.number().int().nonnegative().meta({ description: 'In đồng (VND has no minor unit).' }),
    currency: z.literal('VND'),
    status: z.enum(['paid', 'refunded']),
    paidAt: isoDateTime,
    /** The payment provider (e.g. `vnpay`) and its own id of the charge, for the agency's reconciliation. */
    provider: z.string(),
    providerTransactionId: z.string().optional(),
    /** The electronic receipt issued to the payer (biên lai điện tử). */
    receiptNumber: z.string().optional(),
    refundedAt: isoDateTime.optional(),
  })
  .meta({ id: 'DeliveredPayment' });
export type DeliveredPayment = z.infer<typeof deliveredPayment>;
