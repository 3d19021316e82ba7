import * as z from 'zod';
import { dossierCode, isoDateTime, nfcText, sha256Hex, ulid } from './common.js';
import { dossierStatus } from './dossier-status.js';
import { officerRef, stepId } from './steps.js';

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
