/**
 * What the API shows of a dossier: its tracked and full views, timeline, submission, result and access
 * log. Apart from ./dossier.ts, which holds what a citizen sends (a submission, a supplement, a
 * withdrawal), so functions that only take dossiers in (intake, payments, ratings) leave these out.
 */
import * as z from 'zod';
import { dossierCode, isoDateTime, listQuery, procedureCode, ulid } from './common.js';
import { attachmentView, trackingKey } from './dossier.js';
import { dossierStatus } from './dossier-status.js';
import { dossierPaymentSummary } from './payment-status.js';
import { ratingView } from './rating.js';
import { readerKind, readerRef, readReason, readWhat } from './reads.js';
import { publicStepView, stepView } from './steps.js';

export const actor = z.enum(['citizen', 'agency', 'system']);

export const timelineEntry = z.object({
  at: isoDateTime,
  type: z.string(),
  status: dossierStatus,
  actor,
  note: z.string().optional(),
  dueAt: isoDateTime.optional(),
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
