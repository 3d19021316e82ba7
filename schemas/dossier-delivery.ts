/**
 * What the dispatcher POSTs to an agency about a dossier (Standard Webhooks signed), and the agency's
 * download of the dossier's files. On their own, so the callback function builds the agency's events
 * (./agency.ts) without them.
 */
import * as z from 'zod';
import { AGENCY_ATTACHMENT_PATH } from './agency-paths.js';
import { dossierCode, isoDateTime, sha256Hex } from './common.js';
import { type DeliveredPayment, deliveredPayment } from './delivered-payment.js';
import { plannedStep } from './steps.js';

/** In a bundle: the previous agency's result, which the next agency builds on. */
export const resultReference = z.object({
  dossierCode,
  procedureCode: z.string(),
  agencyId: z.string(),
  issuedAt: isoDateTime,
  kind: z.enum(['electronic', 'pickup']),
  fileName: z.string().optional(),
  sha256: z.string().optional(),
  /** An electronic result is fetched like the dossier's scans: its id and the signed route to it. */
  attachmentId: z.string().optional(),
  href: z.string().optional().meta({
    description: "Where to fetch an electronic result: the same signed route as the dossier's scans.",
  }),
});

/**
 * A scan of the dossier, and how the agency fetches it: `href` is
 * GET /v1/agency/dossiers/{code}/attachments/{attachmentId}, signed like a callback, which answers a
 * short-lived download link.
 */
const deliveredAttachment = z.object({
  attachmentId: z.string().meta({
    description: "The file's id within the dossier (32 hexadecimal digits), as the download route names it.",
  }),
  documentType: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: sha256Hex.optional().meta({
    description:
      'SHA-256 of the file, 64 lowercase hexadecimal digits. Absent only for scans stored before digests were ' +
      'kept: the download answer then carries it.',
  }),
  href: z.string().meta({
    description:
      'Where to fetch the file: a GET signed as the agency (Standard Webhooks, the signed content being ' +
      '`GET {path}`), answered with a download link valid for 5 minutes. Absolute when the portal knows its ' +
      'address, else relative to it.',
  }),
});

/** The citizen answered the agency's request to supplement: the documents sent in answer. */
export const supplementDelivery = z
  .object({
    type: z.literal('dossier.supplemented'),
    dossierCode,
    submissionId: z.string(),
    procedureCode: z.string(),
    agencyId: z.string(),
    supplementedAt: isoDateTime,
    dueAt: isoDateTime,
    attachments: z.array(deliveredAttachment).min(1),
  })
  .meta({ id: 'DossierSupplemented' });
export type SupplementDelivery = z.infer<typeof supplementDelivery>;

export { type DeliveredPayment, deliveredPayment };

/** What the dispatcher POSTs to an agency's endpoint (Standard Webhooks signed). */
export const dossierDelivery = z
  .object({
    type: z.literal('dossier.submitted'),
    dossierCode,
    submissionId: z.string(),
    procedureCode: z.string(),
    agencyId: z.string(),
    submittedAt: isoDateTime,
    dueAt: isoDateTime,
    form: z.record(z.string(), z.unknown()),
    attachments: z.array(deliveredAttachment),
    /** In a bundle: this dossier's place in the hand-off order and the previous dossier's result. */
    bundle: z
      .object({ procedureCode: z.string(), step: z.number().int(), steps: z.number().int() })
      .optional(),
    previousResult: resultReference.optional(),
    /** Filed by a business representative: the enterprise's tax code. */
    enterpriseTaxCode: z.string().optional(),
    /** Filed at a one-stop desk on the citizen's behalf: the desk's agency. */
    filedAtDesk: z.object({ agencyId: z.string() }).optional(),
    /** The steps the dossier is processed in, each with its budget: callbacks name them by `id`. */
    steps: z.array(plannedStep).optional(),
    /** The procedure charges a fee paid online: the dossier is sent once it is paid. */
    payment: deliveredPayment.optional(),
  })
  .meta({ id: 'DossierSubmitted' });
export type DossierDelivery = z.infer<typeof dossierDelivery>;

/** The citizen withdrew the dossier before a decision: the agency stops working on it. */
export const withdrawalDelivery = z
  .object({
    type: z.literal('dossier.withdrawn'),
    dossierCode,
    submissionId: z.string(),
    agencyId: z.string(),
    withdrawnAt: isoDateTime,
  })
  .meta({ id: 'DossierWithdrawn' });
export type WithdrawalDelivery = z.infer<typeof withdrawalDelivery>;

/**
 * The fee the citizen paid for a dossier the agency holds was given back (an operator's refund): the
 * dossier itself stays with the agency.
 */
export const paymentRefundedDelivery = z
  .object({
    type: z.literal('dossier.payment_refunded'),
    dossierCode,
    submissionId: z.string(),
    agencyId: z.string(),
    refundedAt: isoDateTime,
    payment: deliveredPayment,
  })
  .meta({ id: 'DossierPaymentRefunded' });
export type PaymentRefundedDelivery = z.infer<typeof paymentRefundedDelivery>;

export { AGENCY_ATTACHMENT_PATH };

/** GET /v1/agency/dossiers/{code}/attachments/{attachmentId}: one file of a dossier routed to the agency. */
export const agencyAttachmentParams = z.object({
  code: dossierCode,
  /** The attachment's id as the delivery lists it. */
  attachmentId: z.string().regex(/^[0-9a-f]{32}$/, 'expected an attachmentId from the delivery'),
});

/** A short-lived download link to one file, with what the agency checks the bytes against. */
export const attachmentLink = z
  .object({
    attachmentId: z.string(),
    documentType: z.string(),
    fileName: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    sha256: sha256Hex,
    url: z.url().meta({ description: 'A plain GET of this address gives the file, until expiresAt.' }),
    expiresAt: isoDateTime,
  })
  .meta({ id: 'AttachmentLink' });
