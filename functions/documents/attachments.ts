/**
 * Checking scans a citizen attaches — at submission and when answering a request to supplement — the
 * same way: a document the procedure asks for, an upload of the caller's not yet used, of an accepted
 * type and size, and really present in S3 with the declared size and type. Instead of a fresh upload an
 * attachment may name a scan already in one of the caller's dossiers (`documentId`, as listed by
 * GET /v1/me/documents): it is checked the same way and copied server-side, never uploaded again.
 */
import type { Procedure } from '../catalog/procedures.js';
import type { DossierRecord, StoredAttachment } from '../core/dossier.js';
import { AppError } from '../core/errors.js';
import type { ResultDocument } from './result-documents.js';
import { contentIsDeclaredType } from './scan-content.js';
import { pendingKey, type UploadRecord } from './uploads.js';

export interface AttachmentPorts {
  /** An upload's record: read only for an object that does not carry its file name (uploads.ts). */
  findUpload(uploadId: string): Promise<UploadRecord | undefined>;
  /**
   * Size and type of the object S3 really holds, with its first SNIFF_BYTES bytes (scan-content.ts)
   * and the file name its upload pinned, or undefined if nothing was uploaded.
   */
  inspectObject(key: string): Promise<StoredObject | undefined>;
  /** An earlier dossier, to reuse one of its scans (without it, reuse is refused). */
  findDossier?(code: string): Promise<DossierRecord | undefined>;
  /** A signed electronic result, to attach a document the person already holds (without it, refused). */
  findResultDocument?(documentId: string): Promise<HeldResult | undefined>;
}

export interface StoredObject {
  size: number;
  contentType: string | undefined;
  head: Uint8Array;
  /** What the upload pinned on the object (documents/uploads.ts): its file name and declared size. */
  fileName?: string;
  declaredSize?: number;
}

/** What intake needs of a result the person holds (functions/documents/result-documents.ts). */
export type HeldResult = Pick<
  ResultDocument,
  | 'documentId'
  | 'dossierCode'
  | 'documentType'
  | 'status'
  | 'fileName'
  | 'contentType'
  | 'size'
  | 'key'
  | 'issuedAt'
  | 'ownerSub'
>;

/** Results are named by their ULID; scans by `<dossier code>~<upload id>`. */
const isResultDocumentId = (id: string) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id);

export type AttachmentRef =
  | { documentType: string; uploadId: string }
  | { documentType: string; documentId: string };

export interface AcceptedAttachment {
  /** For a reused scan: its earlier dossier's copy (key, name, type, size), already attached. */
  upload: UploadRecord;
  documentType: string;
  reusedFrom?: { dossierCode: string; uploadId: string };
}

export interface AttachmentRules {
  /** Document types that must be present (at submission: the procedure's required documents). */
  required: readonly string[];
  /** Whose earlier dossiers' scans the caller may reuse; by default only dossiers the caller owns. */
  mayReuse?: (dossier: DossierRecord) => boolean;
}

/** How GET /v1/me/documents names a scan: the dossier it is in and its upload id. */
export const documentIdOf = (dossierCode: string, uploadId: string) => `${dossierCode}~${uploadId}`;

export function parseDocumentId(id: string): { dossierCode: string; uploadId: string } | undefined {
  const at = id.lastIndexOf('~');
  if (at <= 0) return undefined;
  return { dossierCode: id.slice(0, at), uploadId: id.slice(at + 1) };
}

/** The uploads an accepted list claims (reused scans were claimed by their first dossier). */
export const freshUploads = (accepted: readonly AcceptedAttachment[]) =>
  accepted.filter((a) => !a.reusedFrom).map((a) => a.upload);

/**
 * How many fresh scans are of a document type the filer already held as a valid electronic result:
 * data asked twice, which the portal publishes per agency so the habit can be measured and ended.
 */
export const askedTwice = (accepted: readonly AcceptedAttachment[], heldTypes: ReadonlySet<string>) =>
  accepted.filter((a) => !a.reusedFrom && heldTypes.has(a.documentType)).length;

/**
 * A valid result the caller holds, of the very type the procedure asks for (data never asked twice),
 * presented like an upload so the same checks apply; copied from where the portal keeps it.
 */
async function heldResult(
  ports: AttachmentPorts,
  ownerSub: string,
  documentId: string,
  documentType: string,
  mayReuse: (dossier: DossierRecord) => boolean,
  path: string,
): Promise<{ upload: UploadRecord; reusedFrom: { dossierCode: string; uploadId: string } }> {
  const doc = ports.findResultDocument ? await ports.findResultDocument(documentId) : undefined;
  const from = doc && ports.findDossier ? await ports.findDossier(doc.dossierCode) : undefined;
  if (!doc || !from || !mayReuse(from))
    throw new AppError('DOCUMENT_NOT_FOUND', [{ path: `${path}.documentId` }]);
  if (doc.status !== 'valid')
    throw new AppError('DOCUMENT_NOT_ACCEPTED', [
      {
        path: `${path}.documentId`,
        code: 'document_not_valid',
        message: `the issuing agency marked it ${doc.status}`,
      },
    ]);
  if (doc.documentType !== documentType)
    throw new AppError('DOCUMENT_NOT_ACCEPTED', [
      {
        path: `${path}.documentId`,
        code: 'document_type_mismatch',
        message: `this result is a ${doc.documentType}, not a ${documentType}`,
      },
    ]);
  return {
    upload: {
      uploadId: doc.documentId,
      ownerSub,
      key: doc.key,
      fileName: doc.fileName,
      contentType: doc.contentType,
      size: doc.size,
      state: 'attached',
      createdAt: doc.issuedAt,
      dossierCode: doc.dossierCode,
    },
    reusedFrom: { dossierCode: doc.dossierCode, uploadId: doc.documentId },
  };
}

/** An earlier scan of the caller's, presented like an upload so the same checks apply. */
async function reusedScan(
  ports: AttachmentPorts,
  ownerSub: string,
  documentId: string,
  mayReuse: (dossier: DossierRecord) => boolean,
  path: string,
): Promise<{ upload: UploadRecord; reusedFrom: { dossierCode: string; uploadId: string } }> {
  const ref = parseDocumentId(documentId);
  const dossier = ref && ports.findDossier ? await ports.findDossier(ref.dossierCode) : undefined;
  const scan =
    dossier && mayReuse(dossier) ? dossier.attachments.find((a) => a.uploadId === ref?.uploadId) : undefined;
  if (!ref || !dossier || !scan) throw new AppError('DOCUMENT_NOT_FOUND', [{ path: `${path}.documentId` }]);
  return {
    upload: {
      uploadId: scan.uploadId,
      ownerSub,
      key: scan.key,
      fileName: scan.fileName,
      contentType: scan.contentType,
      size: scan.size,
      state: 'attached',
      createdAt: scan.supplement?.at ?? dossier.submittedAt,
      dossierCode: dossier.code,
    },
    reusedFrom: ref,
  };
}

type Problem = { path: string; code: string; message: string; messageVi?: string };

export async function checkAttachments(
  ports: AttachmentPorts,
  documents: Procedure['documents'],
  ownerSub: string,
  attachments: readonly AttachmentRef[],
  rules: AttachmentRules,
): Promise<AcceptedAttachment[]> {
  const problems: Problem[] = [];
  const counts = new Map<string, number>();
  const accepted: AcceptedAttachment[] = [];
  const seen = new Set<string>();
  const mismatched: (Problem & { documentType: string; fileName: string })[] = [];

  for (const [i, a] of attachments.entries()) {
    const path = `attachments.${i}`;
    const doc = documents.find((d) => d.type === a.documentType);
    if (!doc) {
      problems.push({
        path: `${path}.documentType`,
        code: 'unknown_document',
        message: 'not a document of this procedure',
        messageVi: 'Không thuộc thành phần hồ sơ của thủ tục này.',
      });
      continue;
    }
    counts.set(doc.type, (counts.get(doc.type) ?? 0) + 1);
    const field = 'documentId' in a ? 'documentId' : 'uploadId';
    const id = 'documentId' in a ? a.documentId : a.uploadId;
    if (seen.has(id)) {
      problems.push({
        path: `${path}.${field}`,
        code: 'duplicate_upload',
        message: 'the same upload is attached twice',
        messageVi: 'Tệp này đã được đính kèm hai lần.',
      });
      continue;
    }
    seen.add(id);
    let upload: UploadRecord | undefined;
    let reusedFrom: AcceptedAttachment['reusedFrom'];
    let stored: StoredObject | undefined;
    if ('documentId' in a) {
      const mayReuse = rules.mayReuse ?? ((d: DossierRecord) => d.ownerSub === ownerSub);
      ({ upload, reusedFrom } = isResultDocumentId(a.documentId)
        ? await heldResult(ports, ownerSub, a.documentId, doc.type, mayReuse, path)
        : await reusedScan(ports, ownerSub, a.documentId, mayReuse, path));
    } else {
      // The caller's own upload is found where only its owner's uploads are kept; one that carries its
      // file name needs nothing else, and the filing's transaction claims it (still unused, still the
      // caller's) or the filing fails whole.
      const key = pendingKey(ownerSub, a.uploadId);
      stored = await ports.inspectObject(key);
      upload =
        stored?.fileName && stored.declaredSize !== undefined
          ? {
              uploadId: a.uploadId,
              ownerSub,
              key,
              fileName: stored.fileName,
              contentType: stored.contentType ?? '',
              size: stored.declaredSize,
              state: 'pending',
              createdAt: '',
            }
          : await ports.findUpload(a.uploadId);
      if (!upload || upload.ownerSub !== ownerSub)
        throw new AppError('UPLOAD_NOT_FOUND', [{ path: `${path}.uploadId` }]);
      if (upload.state !== 'pending') {
        problems.push({
          path: `${path}.uploadId`,
          code: 'upload_used',
          message: 'this upload is already attached to a dossier',
          messageVi: 'Tệp này đã được đính kèm vào một hồ sơ khác; vui lòng tải lên lại.',
        });
        continue;
      }
    }
    if (!doc.mimeTypes.includes(upload.contentType) || upload.size > doc.maxBytes) {
      problems.push({
        path: `${path}.${field}`,
        code: 'document_mismatch',
        message: `accepts ${doc.mimeTypes.join(', ')} up to ${doc.maxBytes} bytes`,
      });
      continue;
    }
    if (!stored?.fileName || stored.declaredSize === undefined)
      stored = await ports.inspectObject(upload.key);
    if (!stored || stored.size !== upload.size || (stored.contentType ?? '') !== upload.contentType) {
      throw new AppError(reusedFrom ? 'DOCUMENT_NOT_FOUND' : 'UPLOAD_INCOMPLETE', [
        { path: `${path}.${field}` },
      ]);
    }
    if (!(await contentIsDeclaredType(upload.contentType, stored.head))) {
      mismatched.push({
        path: `${path}.${field}`,
        code: 'content_mismatch',
        message: `${upload.fileName} is not a ${upload.contentType} file`,
        documentType: doc.type,
        fileName: upload.fileName,
      });
      continue;
    }
    accepted.push({ upload, documentType: doc.type, ...(reusedFrom ? { reusedFrom } : {}) });
  }
  for (const doc of documents) {
    const n = counts.get(doc.type) ?? 0;
    if (rules.required.includes(doc.type) && n === 0) {
      problems.push({ path: 'attachments', code: 'missing_document', message: `${doc.type} is required` });
    }
    if (n > (doc.copies ?? 1)) {
      problems.push({
        path: 'attachments',
        code: 'too_many_copies',
        message: `${doc.type}: at most ${doc.copies ?? 1}`,
      });
    }
  }
  if (problems.length) throw new AppError('DOCUMENT_NOT_ACCEPTED', problems);
  if (mismatched.length) throw new AppError('FILE_CONTENT_MISMATCH', mismatched);
  return accepted;
}

/**
 * Copies a stored scan and answers the SHA-256 of the copy (64 hex digits): the digest agencies are
 * given to check what they download, computed once here and kept with the attachment.
 */
export type CopyScan = (from: string, to: string) => Promise<string>;

/**
 * Copies accepted scans to where the dossier keeps them (see storedAttachments), in order, and
 * records each copy's SHA-256 on its attachment.
 */
export async function copyScans(
  copy: CopyScan,
  accepted: readonly AcceptedAttachment[],
  stored: readonly StoredAttachment[],
): Promise<StoredAttachment[]> {
  const copied: StoredAttachment[] = [];
  for (const [i, a] of stored.entries())
    copied.push({ ...a, sha256: await copy(accepted[i]!.upload.key, a.key) });
  return copied;
}

/** Accepted scans as the dossier keeps them, under its own prefix (the pending prefix expires). */
export function storedAttachments(
  dossierCode: string,
  accepted: readonly AcceptedAttachment[],
  extra: Partial<StoredAttachment> = {},
): StoredAttachment[] {
  return accepted.map(({ upload, documentType, reusedFrom }) => ({
    documentType,
    uploadId: upload.uploadId,
    fileName: upload.fileName,
    contentType: upload.contentType,
    size: upload.size,
    key: `dossiers/${dossierCode}/${documentType}-${upload.uploadId}`,
    ...(reusedFrom ? { reusedFrom } : {}),
    ...extra,
  }));
}
