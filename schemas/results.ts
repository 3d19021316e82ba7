/**
 * Verifiable electronic results and the citizen's document store: public verification, the published
 * keys, downloads, time-limited shares, and the account's access log.
 */
import * as z from 'zod';
import { dossierCode, isoDateTime, listQuery, sha256Hex, ulid } from './common.js';
import { readerKind, readerRef, readWhat } from './reads.js';

export const verifyParams = z.object({ documentId: ulid });

/** The record the portal signs, as signed (canonical JSON, RFC 8785). */
export const signedResultRecord = z
  .object({
    documentId: z.string(),
    dossierCode,
    procedureCode: z.string(),
    documentType: z.string(),
    issuingAgency: z.string().meta({ description: 'The issuing agency’s id (GET /v1/agencies/{id}).' }),
    issuedAt: isoDateTime,
    sha256: sha256Hex,
    status: z.enum(['valid', 'revoked', 'replaced']),
    statusAt: isoDateTime.optional(),
    replacedBy: z.string().optional(),
    replaces: z.string().optional(),
  })
  .meta({ id: 'SignedResultRecord' });

/** What anyone learns of a document: what it is, who issued it, when, and whether it still stands. */
export const verificationView = z
  .object({
    documentId: z.string(),
    status: z.enum(['genuine', 'revoked', 'replaced', 'unknown']),
    document: z
      .object({
        documentType: z.string(),
        issuingAgency: z.string(),
        issuingAgencyName: z.string(),
        issuedAt: isoDateTime,
        statusAt: isoDateTime.optional(),
        replacedBy: z.string().optional(),
      })
      .optional(),
    record: signedResultRecord.optional(),
    signature: z
      .string()
      .optional()
      .meta({
        description:
          'Compact JWS (ES256, typ cong-result-record+jws) whose payload is the canonical record: verify it with ' +
          'GET /v1/verify/keys, then compare the payload with `record` and the file’s SHA-256 with `record.sha256`.',
      }),
  })
  .meta({ id: 'ResultVerification' });

export const publicJwks = z
  .object({
    keys: z.array(
      z
        .object({
          kty: z.string(),
          crv: z.string().optional(),
          x: z.string().optional(),
          y: z.string().optional(),
          kid: z.string().optional(),
          alg: z.string().optional(),
          use: z.string().optional(),
        })
        .passthrough(),
    ),
  })
  .meta({ id: 'ResultSigningKeys' });

/** A document of GET /v1/me/documents: a scan from one of the person's dossiers, or a result (`R…`). */
export const myDocumentParams = z.object({
  documentId: z
    .string()
    .min(10)
    .max(120)
    .regex(/^[A-Za-z0-9.~-]+$/, 'expected a documentId'),
});

/** A download of one of the person's own documents, with how to verify a result. */
export const myDocumentDownload = z
  .object({
    documentId: z.string(),
    kind: z.enum(['scan', 'result']),
    documentType: z.string(),
    fileName: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    sha256: sha256Hex.optional(),
    url: z.url(),
    expiresAt: isoDateTime,
    verification: z
      .object({
        status: z.enum(['valid', 'revoked', 'replaced']),
        url: z
          .string()
          .meta({ description: 'The verification page /verify/<documentId> (the QR code’s link).' }),
        qrCodeSvg: z.string().meta({ description: 'A QR code carrying `url`, as an SVG image.' }),
      })
      .optional(),
  })
  .meta({ id: 'MyDocumentDownload' });

/** At most seven days: a share is for handing a document to someone, not a standing link. */
export const MAX_SHARE_HOURS = 7 * 24;

export const shareRequest = z
  .strictObject({
    expiresInHours: z.number().int().min(1).max(MAX_SHARE_HOURS).default(72),
  })
  .meta({ id: 'ShareRequest' });

export const shareCreated = z
  .object({
    url: z.url().meta({ description: 'Anyone with this link downloads the document until expiresAt.' }),
    expiresAt: isoDateTime,
  })
  .meta({ id: 'DocumentShare' });

export const sharedParams = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a share token'),
});

export const sharedDocument = z
  .object({
    documentType: z.string(),
    fileName: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    sha256: sha256Hex.optional(),
    url: z.url(),
    expiresAt: isoDateTime,
    /** For a result: where to check it (GET /v1/verify/{documentId}). */
    documentId: z.string().optional(),
  })
  .meta({ id: 'SharedDocument' });

export const myAccessLogQuery = listQuery;

/** One read of the person's data by someone else: who, in which role, when, what, and why when they said. */
export const myAccessEntry = z.object({
  at: isoDateTime,
  /** The reader's role, or `share`: someone opened a link the person shared. */
  via: z.enum([...readerKind.options, 'share']),
  what: readWhat,
  reader: readerRef.optional(),
  agencyId: z.string().optional(),
  agencyName: z.string().optional(),
  dossierCode: dossierCode.optional(),
  documentType: z.string().optional(),
  documentId: z.string().optional(),
  reason: z.string().optional(),
});

export const myAccessLog = z
  .object({ items: z.array(myAccessEntry), nextCursor: z.string().nullable() })
  .meta({ id: 'MyAccessLog' });
