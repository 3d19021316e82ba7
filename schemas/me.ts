/** The signed-in person's own account: profile, dossiers, documents already submitted, data export. */
import * as z from 'zod';
import {
  dossierCode,
  isoDateTime,
  listQuery,
  nfcText,
  procedureCode,
  todayInVietnam,
  ulid,
  vnMobile,
} from './common.js';
import { dataRequestView } from './data-requests.js';
import { documentId, dossierStatus } from './dossier.js';
import { dossierView, filedByView } from './dossier-views.js';
import { petitionView } from './petition.js';

/**
 * What a person writes in their profile. The citizen ID is not among it: the server takes it from the
 * VNeID-verified sign-in when the profile is created and keeps it for good, so a body naming one is
 * refused (400, `body.citizenId`).
 */
export const profileInput = z
  .strictObject({
    fullName: nfcText(200),
    dateOfBirth: z.iso
      .date()
      .refine((d) => d >= '1900-01-01' && d < todayInVietnam(), 'expected a date in the past'),
    address: nfcText(500),
    /** Petition notices go to it by SMS; a dossier's go to the mobile number in its form. */
    phone: vnMobile,
    email: z.email().max(254).optional(),
  })
  .meta({ id: 'ProfileInput' });
export type ProfileInput = z.output<typeof profileInput>;

export const profileView = z
  .object({
    fullName: z.string(),
    dateOfBirth: z.string(),
    /**
     * From the VNeID-verified sign-in, bound when the profile was created; masked (`0010******23`)
     * unless asked for with `?reveal=true`.
     */
    citizenId: z.string(),
    /** Masked (`09******78`) unless asked for with `?reveal=true`. */
    phone: z.string(),
    address: z.string(),
    email: z.string().optional(),
    /** Send it back as `If-Match` to replace the profile (the ETag header carries it too). */
    version: z.number().int().min(1),
    updatedAt: isoDateTime,
  })
  .meta({ id: 'Profile' });

export const profileQuery = z.object({
  reveal: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export const myDossiersQuery = listQuery.extend({
  status: dossierStatus.optional(),
  procedure: procedureCode.optional(),
});

export const myDossierItem = z.object({
  code: dossierCode,
  procedureCode: z.string(),
  procedureName: z.string(),
  agencyId: z.string(),
  agencyName: z.string(),
  status: dossierStatus,
  submittedAt: isoDateTime,
  dueAt: isoDateTime,
  overdue: z.boolean(),
  /** The enterprise (tax code) a business representative filed it for. */
  enterpriseTaxCode: z.string().optional(),
  /** Present when a one-stop desk officer filed it on the citizen's behalf: the office, not the officer. */
  filedBy: filedByView.optional(),
});

export const myDossierList = z
  .object({ items: z.array(myDossierItem), nextCursor: z.string().nullable() })
  .meta({ id: 'MyDossierList' });

export const myDocumentsQuery = listQuery;

export const myDocument = z.object({
  documentType: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  dossierCode,
  /** When the scan became part of the dossier (its submission, or the supplement that sent it). */
  uploadedAt: isoDateTime,
  /**
   * Attach it to a new dossier without uploading again: `{ documentType, documentId }` (a result only while
   * valid, for a document of its type). Download it at GET /v1/me/documents/{documentId}.
   */
  documentId: z.string(),
  /** `result`: issued to me by an agency (signed, verifiable); `scan`: a file I submitted. */
  kind: z.enum(['scan', 'result']).optional(),
  sha256: z.string().optional(),
  /** For a result: when, by which agency, and whether it still stands. */
  issuedAt: isoDateTime.optional(),
  issuer: z.string().optional(),
  issuerName: z.string().optional(),
  status: z.enum(['valid', 'revoked', 'replaced']).optional(),
  verifyUrl: z.string().optional(),
});

export const myDocumentList = z
  .object({ items: z.array(myDocument), nextCursor: z.string().nullable() })
  .meta({ id: 'MyDocumentList' });

export const accountExport = z
  .object({
    exportedAt: isoDateTime,
    subject: z.string(),
    profile: profileView.nullable(),
    dossiers: z.array(dossierView),
    petitions: z.array(petitionView),
    /** My personal-data requests (Law 91/2025/QH15) with their timelines, newest first. */
    dataRequests: z.array(dataRequestView),
  })
  .meta({ id: 'AccountExport' });

export const prefillParams = z.object({ code: procedureCode }).strict();

/** A new dossier's form with what the portal already knows filled in (the owner's own data, in full). */
export const prefilledForm = z
  .object({
    procedureCode: z.string(),
    procedureVersion: z.number().int(),
    form: z.record(z.string(), z.string()),
    /** The fields filled in; the rest of the form is the citizen's to complete. */
    filled: z.array(z.string()),
    /** Whether a saved profile was found (without one, only what the sign-in says is filled). */
    fromProfile: z.boolean(),
  })
  .meta({ id: 'PrefilledForm' });

/**
 * A filing not yet sent, kept for its author so a closed tab or another device loses nothing. One per
 * person and procedure; the whole draft is bounded, since it is stored as one item.
 */
export const DRAFT_MAX_BYTES = 32 * 1024;
/** Drafts nobody touched for this long expire (the table's TTL removes them). */
export const DRAFT_TTL_DAYS = 30;

export const draftParams = z.object({ code: procedureCode }).strict();

/** What a form field holds while being filled in: text as typed, a yes/no, a number, a list. */
const draftValue = z.union([
  z.string().max(5000),
  z.boolean(),
  z.number(),
  z.null(),
  z.array(z.string().max(500)).max(50),
]);

/** A scan already uploaded (`uploadId`) or reused from an earlier dossier (`documentId`). */
export const draftAttachment = z.strictObject({
  documentType: z
    .string()
    .regex(/^[a-z0-9_]+$/)
    .max(100),
  uploadId: ulid.optional(),
  documentId: documentId.optional(),
  /** Shown to the citizen when the draft is restored. */
  fileName: z.string().max(255).optional(),
});

export const draftInput = z
  .strictObject({
    form: z
      .record(z.string().regex(/^[A-Za-z0-9_]{1,100}$/), draftValue)
      .refine((o) => Object.keys(o).length <= 200, 'at most 200 fields'),
    attachments: z.array(draftAttachment).max(30).default([]),
  })
  .superRefine((draft, ctx) => {
    const bytes = new TextEncoder().encode(JSON.stringify(draft)).length;
    if (bytes > DRAFT_MAX_BYTES)
      ctx.addIssue({
        code: 'too_big',
        origin: 'string',
        maximum: DRAFT_MAX_BYTES,
        inclusive: true,
        path: [],
        message: `a draft holds at most ${DRAFT_MAX_BYTES} bytes of JSON`,
      });
  })
  .meta({ id: 'DraftInput' });
export type DraftInput = z.output<typeof draftInput>;

export const draftView = z
  .object({
    procedureCode: z.string(),
    form: z.record(z.string(), draftValue),
    attachments: z.array(draftAttachment),
    /** Send it back as `If-Match` to replace the draft (the ETag header carries it too). */
    version: z.number().int().min(1),
    savedAt: isoDateTime,
    /** When the draft is removed unless saved again. */
    expiresAt: isoDateTime,
  })
  .meta({ id: 'Draft' });

export const draftSummary = z.object({
  procedureCode: z.string(),
  procedureName: z.string().nullable(),
  version: z.number().int().min(1),
  savedAt: isoDateTime,
  expiresAt: isoDateTime,
});

export const draftList = z
  .object({ items: z.array(draftSummary), nextCursor: z.string().nullable() })
  .meta({ id: 'DraftList' });

export const draftDeleted = z
  .object({ procedureCode: z.string(), deleted: z.boolean() })
  .meta({ id: 'DraftDeleted' });
