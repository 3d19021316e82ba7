import * as z from 'zod';
import { dossierCode, isoDateTime, listQuery, nfcText, procedureCode, ulid } from './common.js';
import { type DossierStatus, dossierStatus } from './dossier-status.js';
import { dossierPaymentSummary } from './payment-status.js';
import { ratingView } from './rating.js';
import { readerKind, readerRef, readReason, readWhat } from './reads.js';
import { publicStepView, stepView } from './steps.js';

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

export const actor = z.enum(['citizen', 'agency', 'system']);

export const timelineEntry = z.object({
  at: isoDateTime,
  type: z.string(),
  status: dossierStatus,
  actor,
  note: z.string().optional(),
  dueAt: isoDateTime.optional(),
});

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

export const publicDossierView = z
  .object({
    code: dossierCode,
    submissionId: ulid,
    procedureCode,
    procedureName: z.string(),
    agencyId: z.string(),
    agencyName: z.string(),
    status: dossierStatus,
    submittedAt: isoDateTime,
    dueAt: isoDateTime,
    overdue: z.boolean(),
    timeline: z.array(timelineEntry),
    /** Each processing step on its own clock (reception, the procedure's steps), without officers. */
    steps: z.array(publicStepView).optional(),
  })
  .meta({ id: 'TrackedDossier' });

/** A one-stop desk office that filed a dossier on the citizen's behalf (never the officer's account). */
export const filedByView = z.object({
  role: z.literal('desk_officer'),
  agencyId: z.string(),
  agencyName: z.string(),
});

/** What the agency asked for while the dossier waits for the citizen to supplement it. */
export const supplementRequestView = z.object({
  requestedAt: isoDateTime,
  /** Document types of the procedure, or the documents described in words. */
  missingDocuments: z.array(z.string()),
  note: z.string().optional(),
  /** The time the agency gave the citizen to supplement. */
  dueAt: isoDateTime.optional(),
});

export const dossierView = publicDossierView
  .extend({
    /** Present while the dossier waits for the citizen to supplement it. */
    supplementRequest: supplementRequestView.optional(),
    /** The owner's rating of the finished dossier, once given (shown to the owner only). */
    rating: ratingView.optional(),
    /** Citizen ID and phone numbers are masked unless the owner asks with `?reveal=true`. */
    form: z.record(z.string(), z.unknown()),
    attachments: z.array(attachmentView),
    /** Present when the procedure charges a fee paid online. */
    payment: dossierPaymentSummary.optional(),
    /** The enterprise (tax code) a business representative filed it for. */
    enterpriseTaxCode: z.string().optional(),
    /** Present when a one-stop desk officer filed it on the citizen's behalf. */
    filedBy: filedByView.optional(),
    /** The key public tracking asks for (absent on dossiers filed before keys were issued). */
    trackingKey: trackingKey.optional(),
    /** Each processing step on its own clock, with the name of the officer who acted. */
    steps: z.array(stepView).optional(),
  })
  .meta({ id: 'Dossier' });

export const dossierParams = z.object({ code: dossierCode });

/** Public tracking: the key of the dossier's receipt. */
export const trackQuery = z.object({ key: trackingKey });

export const dossierViewQuery = z.object({
  /** The owner and the processing agency's officers: show citizen ID and phone numbers of the form in full. */
  reveal: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Anyone but the owner: why they open it, shown to the citizen beside the record of this read. */
  reason: readReason.optional(),
});

export const timelineVerification = z
  .object({ intact: z.boolean(), events: z.number().int().min(0) })
  .meta({ id: 'TimelineVerification' });

export const submissionParams = z.object({ submissionId: ulid });

/** One submission's dossiers side by side (a notice to many provinces, an interlinked bundle). */
export const submissionView = z
  .object({
    submissionId: ulid,
    procedureCode,
    submittedAt: isoDateTime,
    dossiers: z.array(
      z.object({
        code: dossierCode,
        agencyId: z.string(),
        agencyName: z.string(),
        procedureCode,
        procedureName: z.string(),
        status: dossierStatus,
        dueAt: isoDateTime,
        overdue: z.boolean(),
        /** In a bundle: the position in the hand-off order, and whether the agency has it yet. */
        step: z.number().int().min(1).optional(),
        handedOver: z.boolean().optional(),
      }),
    ),
    byStatus: z.record(z.string(), z.number().int()),
    /** Present for an interlinked bundle: the step whose agency holds the citizen's case now. */
    bundle: z
      .object({
        steps: z.number().int().min(2),
        activeStep: z.number().int().min(1).nullable(),
        activeDossier: dossierCode.nullable(),
      })
      .optional(),
  })
  .meta({ id: 'Submission' });

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

/** The result of a dossier: a short-lived download link for an electronic one, else how to get it. */
export const dossierResultView = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('electronic'),
      issuedAt: isoDateTime,
      fileName: z.string(),
      contentType: z.string(),
      size: z.number().int(),
      sha256: z.string(),
      url: z.url(),
      expiresAt: isoDateTime,
    }),
    z.object({
      kind: z.literal('pickup'),
      issuedAt: isoDateTime,
      method: z.enum(['post', 'at_desk']),
      note: z.string(),
      trackingNumber: z.string().optional(),
    }),
  ])
  .meta({ id: 'DossierResult' });

export const dossierStatusView = z
  .object({ code: dossierCode, status: dossierStatus })
  .meta({ id: 'DossierStatus' });

export const withdrawRequest = z
  .object({
    reason: nfcText(500, 5),
  })
  .strict()
  .meta({ id: 'WithdrawRequest' });

/**
 * Whether a cursor could be one of a dossier's access log (its table key, base64url JSON: the dossier's
 * partition, an `ACCESS#` sort key); the list checks again that it is this dossier's.
 */
function isAccessLogCursor(cursor: string): boolean {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!key || typeof key !== 'object' || Array.isArray(key)) return false;
    const { pk, sk, ...rest } = key as Record<string, unknown>;
    return (
      Object.keys(rest).length === 0 &&
      typeof pk === 'string' &&
      pk.startsWith('DOSSIER#') &&
      typeof sk === 'string' &&
      sk.startsWith('ACCESS#')
    );
  } catch {
    return false;
  }
}

/** Malformed cursors are refused with the query, before anyone's dossier is looked up. */
export const accessLogQuery = listQuery.extend({
  cursor: z
    .string()
    .max(512)
    .refine((c) => c === '' || isAccessLogCursor(c), 'not a cursor of this list; start again without it')
    .optional(),
});

/**
 * One read of the dossier by someone other than its owner, as its owner sees it: who, in which role, when,
 * what, and why when they said. Entries recorded before reads of the dossier itself were logged are file
 * fetches by an agency (`what: attachment`).
 */
export const dossierAccessEntry = z.object({
  at: isoDateTime,
  /** The reader's role (`agency_system`: the agency's own system, by its signed request). */
  via: readerKind,
  what: readWhat,
  /** Absent on file fetches recorded before readers were named. */
  reader: readerRef.optional(),
  /** The agency (or, for a desk officer, the one-stop office) the reader acts for. */
  agencyId: z.string().optional(),
  agencyName: z.string().optional(),
  reason: z.string().optional(),
  /** For `what: attachment`: the file. */
  attachment: z
    .object({
      attachmentId: z.string(),
      documentType: z.string(),
      fileName: z.string().optional(),
    })
    .optional(),
});

export const dossierAccessLog = z
  .object({ items: z.array(dossierAccessEntry), nextCursor: z.string().nullable() })
  .meta({ id: 'DossierAccessLog' });
