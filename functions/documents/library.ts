/**
 * A person's documents: the results issued to them (signed, verifiable) and the scans they submitted.
 * They download their own through short-lived links, share one through a time-limited link whose token
 * only they receive, and see every read of their data by someone else in one access log, newest first.
 */
import { createHash, randomBytes } from 'node:crypto';
import type * as z from 'zod';
import type { ReaderKind, ReadWhat } from '../../schemas/reads.js';
import type {
  myAccessEntry,
  myAccessLogQuery,
  myDocumentDownload,
  sharedDocument,
} from '../../schemas/results.js';
import { decodeCursor, encodeCursor } from '../core/cursor.js';
import type { DossierRecord } from '../core/dossier.js';
import { AppError } from '../core/errors.js';
import { keys } from '../core/keys.js';
import { findAgency } from '../registry/agencies.js';
import { parseDocumentId } from './attachments.js';
import { type ResultDocument, verificationLink } from './result-documents.js';

/** How long a download link works: enough to start a download, too short to be worth forwarding. */
export const DOWNLOAD_LINK_SECONDS = 300;

/** One of the person's documents, wherever it is kept. */
export interface HeldDocument {
  documentId: string;
  kind: 'scan' | 'result';
  documentType: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256?: string;
  key: string;
  dossierCode: string;
  ownerSub: string;
  result?: ResultDocument;
}

export interface DocumentPorts {
  now(): Date;
  loadDossier(code: string): Promise<DossierRecord | undefined>;
  loadDocument(documentId: string): Promise<ResultDocument | undefined>;
  presign(key: string, fileName: string, contentType: string, expiresInSeconds: number): Promise<string>;
}

/** A result document's ids are ULIDs; a scan's are `<dossier code>~<upload id>` (GET /v1/me/documents). */
const isResultId = (id: string) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id);

/** The document, if it exists and is `sub`'s; anything else is the same 404. */
export async function heldDocument(
  ports: Pick<DocumentPorts, 'loadDossier' | 'loadDocument'>,
  sub: string,
  documentId: string,
): Promise<HeldDocument> {
  if (isResultId(documentId)) {
    const doc = await ports.loadDocument(documentId);
    if (doc && doc.ownerSub === sub)
      return {
        documentId,
        kind: 'result',
        documentType: doc.documentType,
        fileName: doc.fileName,
        contentType: doc.contentType,
        size: doc.size,
        sha256: doc.sha256,
        key: doc.key,
        dossierCode: doc.dossierCode,
        ownerSub: doc.ownerSub,
        result: doc,
      };
  } else {
    const ref = parseDocumentId(documentId);
    const dossier = ref ? await ports.loadDossier(ref.dossierCode) : undefined;
    const scan =
      dossier?.ownerSub === sub ? dossier.attachments.find((a) => a.uploadId === ref?.uploadId) : undefined;
    if (dossier && scan)
      return {
        documentId,
        kind: 'scan',
        documentType: scan.documentType,
        fileName: scan.fileName,
        contentType: scan.contentType,
        size: scan.size,
        ...(scan.sha256 ? { sha256: scan.sha256 } : {}),
        key: scan.key,
        dossierCode: dossier.code,
        ownerSub: dossier.ownerSub,
      };
  }
  throw new AppError('NOT_FOUND');
}

/** A QR code (SVG) of a link. */
export type QrCode = (text: string) => Promise<string>;

/** The owner's download of their own document; a result comes with its verification link and QR code. */
export async function downloadMyDocument(
  ports: DocumentPorts,
  qr: QrCode,
  sub: string,
  documentId: string,
  portalUrl?: string,
): Promise<z.infer<typeof myDocumentDownload>> {
  const doc = await heldDocument(ports, sub, documentId);
  const now = ports.now();
  const url = await ports.presign(doc.key, doc.fileName, doc.contentType, DOWNLOAD_LINK_SECONDS);
  const link = doc.result ? verificationLink(doc.result, portalUrl) : undefined;
  return {
    documentId,
    kind: doc.kind,
    documentType: doc.documentType,
    fileName: doc.fileName,
    contentType: doc.contentType,
    size: doc.size,
    ...(doc.sha256 ? { sha256: doc.sha256 } : {}),
    url,
    expiresAt: new Date(now.getTime() + DOWNLOAD_LINK_SECONDS * 1000).toISOString(),
    ...(doc.result && link
      ? { verification: { status: doc.result.status, url: link, qrCodeSvg: await qr(link) } }
      : {}),
  };
}

/** A share as kept: by the SHA-256 of its token, so the table never holds a working link. */
export interface DocumentShare {
  tokenHash: string;
  documentId: string;
  ownerSub: string;
  createdAt: string;
  expiresAt: string;
}

/**
 * One read of someone's data, as their access log keeps it (never who in person): a read of a dossier
 * (functions/pii/read-log.ts; fetches recorded before `what` existed lack it) or a shared link opened.
 */
export interface AccessRecord {
  at: string;
  via: ReaderKind | 'share';
  requestId: string;
  what?: ReadWhat;
  reader?: string;
  agencyId?: string;
  dossierCode?: string;
  documentType?: string;
  documentId?: string;
  attachmentId?: string;
  reason?: string;
}

export interface SharePorts extends DocumentPorts {
  putShare(share: DocumentShare): Promise<void>;
  loadShare(tokenHash: string): Promise<DocumentShare | undefined>;
  /** Appends the read to the share and to its owner's access log (written only if absent). */
  recordShareRead(share: DocumentShare, read: AccessRecord): Promise<void>;
}

export const tokenHashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** A link anyone can open until it expires; the token (256 random bits) is handed out once, here. */
export async function shareMyDocument(
  ports: SharePorts,
  sub: string,
  documentId: string,
  hours: number,
  portalUrl?: string,
): Promise<{ url: string; expiresAt: string }> {
  await heldDocument(ports, sub, documentId);
  const now = ports.now();
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + hours * 3_600_000).toISOString();
  await ports.putShare({
    tokenHash: tokenHashOf(token),
    documentId,
    ownerSub: sub,
    createdAt: now.toISOString(),
    expiresAt,
  });
  const path = `/v1/shared/${token}`;
  return { url: portalUrl ? `${portalUrl.replace(/\/+$/, '')}${path}` : path, expiresAt };
}

/** Opening a shared link: recorded in the owner's access log before the download link exists. */
export async function openShare(
  ports: SharePorts,
  token: string,
  requestId: string,
): Promise<z.infer<typeof sharedDocument>> {
  const now = ports.now();
  const share = await ports.loadShare(tokenHashOf(token));
  if (!share || Date.parse(share.expiresAt) <= now.getTime()) throw new AppError('SHARE_NOT_FOUND');
  let doc: HeldDocument;
  try {
    doc = await heldDocument(ports, share.ownerSub, share.documentId);
  } catch {
    throw new AppError('SHARE_NOT_FOUND');
  }
  await ports.recordShareRead(share, {
    at: now.toISOString(),
    via: 'share',
    what: 'document',
    requestId,
    dossierCode: doc.dossierCode,
    documentType: doc.documentType,
    documentId: doc.documentId,
  });
  const url = await ports.presign(doc.key, doc.fileName, doc.contentType, DOWNLOAD_LINK_SECONDS);
  return {
    documentType: doc.documentType,
    fileName: doc.fileName,
    contentType: doc.contentType,
    size: doc.size,
    ...(doc.sha256 ? { sha256: doc.sha256 } : {}),
    url,
    expiresAt: new Date(now.getTime() + DOWNLOAD_LINK_SECONDS * 1000).toISOString(),
    ...(doc.kind === 'result' ? { documentId: doc.documentId } : {}),
  };
}

export type OwnerAccessKey = { pk: string; sk: string; gsi1pk: string; gsi1sk: string };

export interface AccessLogPorts {
  /** One page of the person's access records (gsi1, `ACCESS#…`), newest first. */
  accessPage(
    sub: string,
    q: { after?: OwnerAccessKey; limit: number },
  ): Promise<{ items: AccessRecord[]; lastKey?: OwnerAccessKey }>;
}

/** Every read of the person's data by someone else, across all their dossiers and documents. */
export async function listMyAccessLog(
  ports: AccessLogPorts,
  sub: string,
  q: z.output<typeof myAccessLogQuery>,
): Promise<{ items: z.infer<typeof myAccessEntry>[]; nextCursor: string | null }> {
  const partition = keys.ownerAccessIndex(sub, '', '').gsi1pk;
  const after = decodeCursor(
    q.cursor,
    ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
    { gsi1pk: partition },
    { gsi1sk: keys.ownerAccessIndexPrefix },
  ) as OwnerAccessKey | undefined;
  const page = await ports.accessPage(sub, { after, limit: q.limit });
  return {
    items: page.items.map((r) => ({
      at: r.at,
      via: r.via,
      what: r.what ?? (r.via === 'share' ? 'document' : 'attachment'),
      ...(r.reader ? { reader: r.reader } : {}),
      ...(r.agencyId ? { agencyId: r.agencyId, agencyName: findAgency(r.agencyId)?.name ?? r.agencyId } : {}),
      ...(r.dossierCode ? { dossierCode: r.dossierCode } : {}),
      ...(r.documentType ? { documentType: r.documentType } : {}),
      ...(r.documentId ? { documentId: r.documentId } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
    })),
    nextCursor: encodeCursor(page.lastKey),
  };
}
