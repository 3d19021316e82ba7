/**
 * Checking scans a citizen attaches — at submission and when answering a request to supplement — the
 * same way: a document the procedure asks for, an upload of the caller's not yet used, of an accepted
 * type and size, and really present in S3 with the declared size and type.
 */
import type { Procedure } from '../catalog/procedures.js';
import type { StoredAttachment } from '../core/dossier.js';
import { AppError } from '../core/errors.js';
import type { UploadRecord } from '../uploads/uploads.js';

export interface AttachmentPorts {
  findUpload(uploadId: string): Promise<UploadRecord | undefined>;
  /** Size and type of the object S3 really holds, or undefined if nothing was uploaded. */
  inspectObject(key: string): Promise<{ size: number; contentType: string | undefined } | undefined>;
}

export interface AttachmentRef {
  documentType: string;
  uploadId: string;
}

export interface AcceptedAttachment {
  upload: UploadRecord;
  documentType: string;
}

export interface AttachmentRules {
  /** Document types that must be present (at submission: the procedure's required documents). */
  required: readonly string[];
}

type Problem = { path: string; code: string; message: string };

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

  for (const [i, a] of attachments.entries()) {
    const path = `attachments.${i}`;
    const doc = documents.find((d) => d.type === a.documentType);
    if (!doc) {
      problems.push({
        path: `${path}.documentType`,
        code: 'unknown_document',
        message: 'not a document of this procedure',
      });
      continue;
    }
    counts.set(doc.type, (counts.get(doc.type) ?? 0) + 1);
    if (seen.has(a.uploadId)) {
      problems.push({
        path: `${path}.uploadId`,
        code: 'duplicate_upload',
        message: 'the same upload is attached twice',
      });
      continue;
    }
    seen.add(a.uploadId);
    const upload = await ports.findUpload(a.uploadId);
    if (!upload || upload.ownerSub !== ownerSub)
      throw new AppError('UPLOAD_NOT_FOUND', [{ path: `${path}.uploadId` }]);
    if (upload.state !== 'pending') {
      problems.push({
        path: `${path}.uploadId`,
        code: 'upload_used',
        message: 'this upload is already attached to a dossier',
      });
      continue;
    }
    if (!doc.mimeTypes.includes(upload.contentType) || upload.size > doc.maxBytes) {
      problems.push({
        path: `${path}.uploadId`,
        code: 'document_mismatch',
        message: `accepts ${doc.mimeTypes.join(', ')} up to ${doc.maxBytes} bytes`,
      });
      continue;
    }
    const stored = await ports.inspectObject(upload.key);
    if (!stored || stored.size !== upload.size || (stored.contentType ?? '') !== upload.contentType) {
      throw new AppError('UPLOAD_INCOMPLETE', [{ path: `${path}.uploadId` }]);
    }
    accepted.push({ upload, documentType: doc.type });
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
  return accepted;
}

/** Accepted scans as the dossier keeps them, under its own prefix (the pending prefix expires). */
export function storedAttachments(
  dossierCode: string,
  accepted: readonly AcceptedAttachment[],
  extra: Partial<StoredAttachment> = {},
): StoredAttachment[] {
  return accepted.map(({ upload, documentType }) => ({
    documentType,
    uploadId: upload.uploadId,
    fileName: upload.fileName,
    contentType: upload.contentType,
    size: upload.size,
    key: `dossiers/${dossierCode}/${documentType}-${upload.uploadId}`,
    ...extra,
  }));
}
