/** What a citizen sends about a dossier: a submission, a supplement, a withdrawal (the views: ./dossier-views.ts). */
import * as z from 'zod';
import { dossierCode, isoDateTime, nfcText, procedureCode, ulid } from './common.js';
import { type DossierStatus, dossierStatus } from './dossier-status.js';

export { type DossierStatus, dossierStatus };

/**
 * A document the caller already holds, as GET /v1/me/documents names it: a scan in one of their dossiers
 * (`<dossier code>~<upload id>`) or a valid result issued to them (its ULID).
 */
export const documentId = z
  .string()
  .regex(
    /^(?:[A-Z0-9.]{2,24}-\d{6}-\d{4,}~)?[0-9A-HJKMNP-TV-Z]{26}$/,
    'expected a documentId from /v1/me/documents',
  );

/** A fresh upload (`uploadId`), or a scan reused from an earlier dossier (`documentId`). */
export const attachmentRef = z.union([
  z.strictObject({ documentType: z.string().regex(/^[a-z0-9_]+$/), uploadId: ulid }),
  z.strictObject({ documentType: z.string().regex(/^[a-z0-9_]+$/), documentId }),
]);

/** A one-stop desk officer files for a citizen named by their citizen ID (CCCD). */
export const onBehalfOf = z.strictObject({
  citizenId: z.string().regex(/^\d{12}$/, 'expected the 12 digits of a citizen ID (CCCD)'),
});

export const submitDossierRequest = z
  .object({
    procedureCode,
    form: z.record(z.string(), z.unknown()),
    attachments: z.array(attachmentRef).max(30).default([]),
    /** For a multi-destination procedure: the provinces to send to (one dossier each), or every province. */
    destinations: z
      .union([
        z
          .array(z.string().regex(/^\d{2}$/, 'expected a 2-digit province code'))
          .min(1)
          .max(34),
        z.literal('all'),
      ])
      .optional(),
    /** Desk officers only: the citizen the dossier is filed for (their account owns it). */
    onBehalfOf: onBehalfOf.optional(),
  })
  .strict()
  .meta({ id: 'SubmitDossierRequest' });

/** Printed on the receipt: public tracking needs it beside the dossier code (letters in either case). */
export const trackingKey = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[0-9A-HJKMNP-TV-Z]{12}$/, 'expected the 12-character tracking key printed on the receipt');

export const submittedDossier = z.object({
  code: dossierCode,
  agencyId: z.string(),
  status: dossierStatus,
  dueAt: isoDateTime,
  trackingKey,
});

export const submitDossierResponse = z
  .object({ submissionId: ulid, dossiers: z.array(submittedDossier).min(1) })
  .meta({ id: 'SubmitDossierResponse' });

export const attachmentView = z.object({
  documentType: z.string(),
  uploadId: ulid,
  fileName: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  /** SHA-256 of the stored file, 64 lowercase hex digits (absent on scans stored before digests were kept). */
  sha256: z.string().optional(),
  /** How the file is named in `GET /v1/dossiers/{code}/attachments/{attachmentId}` (the agency's fetch). */
  attachmentId: z.string().optional(),
});

export const dossierParams = z.object({ code: dossierCode });

/** The citizen answers a request to supplement (form 02) with the documents the agency asked for. */
export const supplementRequest = z
  .object({
    attachments: z.array(attachmentRef).min(1).max(30),
    note: z
      .string()
      .trim()
      .min(1)
      .max(2000)
      .transform((s) => s.normalize('NFC'))
      .optional(),
  })
  .strict()
  .meta({ id: 'SupplementRequest' });

export const supplementResponse = z
  .object({
    code: dossierCode,
    status: dossierStatus,
    dueAt: isoDateTime,
    attachments: z.array(attachmentView),
  })
  .meta({ id: 'Supplement' });

export const dossierStatusView = z
  .object({ code: dossierCode, status: dossierStatus })
  .meta({ id: 'DossierStatus' });

export const withdrawRequest = z
  .object({
    reason: nfcText(500, 5),
  })
  .strict()
  .meta({ id: 'WithdrawRequest' });
