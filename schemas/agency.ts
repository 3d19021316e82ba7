import * as z from 'zod';
import { AGENCY_ATTACHMENT_PATH } from './agency-paths.js';
import { dossierCode, isoDateTime, nfcText, ulid } from './common.js';
import { type DeliveredPayment, deliveredPayment } from './delivered-payment.js';
import { dossierStatus } from './dossier-status.js';
import { officerRef, plannedStep, stepId } from './steps.js';

/** A request to supplement names at most this many documents (a dossier holds at most 30). */
export const MAX_MISSING_DOCUMENTS = 30;

const eventBase = {
  eventId: z.string().min(8).max(128),
  dossierCode,
  occurredAt: isoDateTime.optional(),
  note: z.string().max(2000).optional(),
  /** The step of the dossier's plan this event starts, finishes or (an extension) moves. */
  step: stepId.optional(),
  /** The officer who acts (the agency's own id and the name the citizen sees). */
  officer: officerRef.optional(),
};

/** SHA-256 as 64 lowercase hex digits (what `sha256sum` prints), of the exact bytes a download gives. */
export const sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .meta({
    description:
      'SHA-256 of the file, as 64 lowercase hexadecimal digits (the output of `sha256sum`), over the exact bytes the download gives.',
  });

/** Electronic results are carried in the signed callback itself, so they stay small. */
export const MAX_RESULT_BYTES = 700 * 1024;
export const resultContentTypes = [
  'application/pdf',
  'application/xml',
  'text/xml',
  'image/jpeg',
  'image/png',
] as const;

/** A document type as procedures name their documents: lower case letters, digits and underscores. */
export const documentType = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,63}$/, 'expected a document type such as current_licence');

/** The result of a dossier: an electronic document (e.g. a signed extract), or one to collect or post. */
const electronicResult = z
  .object({
    kind: z.literal('electronic'),
    fileName: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .refine(
        (n) => !/[/\\]/.test(n) && [...n].every((c) => c.charCodeAt(0) >= 0x20),
        'a file name without folders or control characters',
      ),
    contentType: z.enum(resultContentTypes),
    /**
     * What kind of document this is, as procedures name the documents they ask for (e.g.
     * `current_licence`): a citizen holding a valid result of that type attaches it to a later dossier
     * instead of uploading a scan. Default `result_<procedure code>`.
     */
    documentType: documentType.optional(),
    contentBase64: z
      .base64()
      .min(4)
      .max(Math.ceil(MAX_RESULT_BYTES / 3) * 4)
      .refine((b) => Buffer.byteLength(b, 'base64') <= MAX_RESULT_BYTES, 'at most 700 KB once decoded'),
  })
  .strict();

export const issuedResult = z.discriminatedUnion('kind', [
  electronicResult,
  z
    .object({
      kind: z.literal('pickup'),
      method: z.enum(['post', 'at_desk']),
      note: z.string().trim().min(1).max(1000),
      trackingNumber: z.string().trim().min(1).max(64).optional(),
    })
    .strict(),
]);
export type IssuedResult = z.infer<typeof issuedResult>;

/** Events an agency's system reports back; each moves the dossier through its state machine. */
export const agencyEvent = z
  .discriminatedUnion('type', [
    z
      .object({ type: z.literal('dossier.received'), ...eventBase, appointmentAt: isoDateTime.optional() })
      .strict(),
    z
      .object({
        type: z.literal('dossier.in_progress'),
        ...eventBase,
        // Free text here before steps had ids: still accepted as it was.
        step: z.string().max(200).optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('dossier.step_started'),
        ...eventBase,
        step: stepId,
      })
      .strict(),
    z
      .object({
        type: z.literal('dossier.step_completed'),
        ...eventBase,
        step: stepId,
      })
      .strict(),
    z
      .object({
        type: z.literal('dossier.extended'),
        ...eventBase,
        reason: z.string().trim().min(5).max(2000),
        newDueAt: isoDateTime,
      })
      .strict(),
    z
      .object({
        type: z.literal('dossier.supplement_requested'),
        ...eventBase,
        /** Document types of the procedure, or the documents described in words (form 02). */
        missingDocuments: z.array(nfcText(300)).min(1).max(MAX_MISSING_DOCUMENTS),
        supplementDueAt: isoDateTime,
      })
      .strict(),
    z.object({ type: z.literal('dossier.approved'), ...eventBase }).strict(),
    z
      .object({
        type: z.literal('dossier.rejected'),
        ...eventBase,
        reason: z.string().trim().min(5).max(2000),
      })
      .strict(),
    z.object({ type: z.literal('dossier.result_issued'), ...eventBase, result: issuedResult }).strict(),
    z.object({ type: z.literal('dossier.completed'), ...eventBase }).strict(),
    // The issuing agency withdraws an electronic result it issued (verification answers "revoked" at once).
    z
      .object({
        type: z.literal('result.revoked'),
        ...eventBase,
        documentId: ulid,
        reason: z.string().trim().min(5).max(2000),
      })
      .strict(),
    // The issuing agency issues a corrected document in place of one it issued ("replaced").
    z
      .object({
        type: z.literal('result.replaced'),
        ...eventBase,
        documentId: ulid,
        reason: z.string().trim().min(5).max(2000),
        result: electronicResult,
      })
      .strict(),
  ])
  .meta({ id: 'AgencyEvent' });
export type AgencyEvent = z.infer<typeof agencyEvent>;

export const agencyEventResult = z
  .object({
    eventId: z.string(),
    dossierCode,
    applied: z.boolean(),
    status: dossierStatus,
    reason: z.enum(['applied', 'replay', 'stale']),
    /** For an electronic result: the document as the portal stored it, to check against what was sent. */
    resultDocument: z
      .object({
        /** The issuing agency fetches the stored document back like a scan: GET {href}, signed. */
        attachmentId: z.string().optional(),
        href: z.string().optional().meta({
          description:
            "Where the issuing agency fetches the document as the portal keeps it: the same signed route as the dossier's scans.",
        }),
        fileName: z.string(),
        contentType: z.string(),
        size: z.number().int(),
        sha256: sha256Hex,
        /** The electronic document's id: verification at GET /v1/verify/{documentId}. */
        documentId: z.string().optional(),
        documentType: z.string().optional(),
      })
      .optional(),
  })
  .meta({ id: 'AgencyEventResult' });

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
