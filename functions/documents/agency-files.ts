/**
 * Agencies fetch the files of the dossiers routed to them: each delivery lists every scan with its
 * SHA-256 and an `href`; a signed GET of that address answers a short-lived download link. Only the
 * agency the dossier was sent to gets one (anyone else: the 404 of a missing dossier, so codes cannot be
 * probed), and every fetch by anyone but the owner is recorded (functions/pii/read-log.ts) before the
 * link exists.
 */
import type * as z from 'zod';
import { AGENCY_ATTACHMENT_PATH } from '../../schemas/agency-paths.js';
import type { attachmentLink } from '../../schemas/dossier-delivery.js';
import { attachmentIdOf, type DossierRecord, isDispatched, type StoredAttachment } from '../core/dossier.js';
import { AppError } from '../core/errors.js';
import { type DataRead, type Reader, recordRead } from '../pii/read-log.js';

export { attachmentIdOf };

/**
 * In an interlinked bundle, the previous agency's electronic result is one of the next dossier's files:
 * its id is derived from the dossier code and this name, as a scan's is from its upload id.
 */
export const PREVIOUS_RESULT = 'previous-result';

/**
 * The electronic result the dossier's own agency issued: it fetches back what the portal keeps (and hands
 * the citizen) under this id, as it fetches a scan.
 */
export const OWN_RESULT = 'result';

/** The id the issuing agency fetches the dossier's own electronic result by. */
export const ownResultIdOf = (code: string) => attachmentIdOf(code, OWN_RESULT);

/** How long a download link works: enough to start a download, too short to be worth forwarding. */
export const ATTACHMENT_LINK_SECONDS = 300;

/** Where an agency fetches one of a dossier's files: absolute under the portal's address when known. */
export function attachmentHref(code: string, attachmentId: string, portalUrl?: string): string {
  const path = AGENCY_ATTACHMENT_PATH.replace('{code}', encodeURIComponent(code)).replace(
    '{attachmentId}',
    encodeURIComponent(attachmentId),
  );
  return portalUrl ? `${portalUrl.replace(/\/+$/, '')}${path}` : path;
}

/** One fetch of a file, as kept beside the dossier and on its owner's access log (a read of the kernel's). */
export type AttachmentAccess = DataRead;

export interface AttachmentFetchPorts {
  now(): Date;
  loadDossier(code: string): Promise<DossierRecord | undefined>;
  /** SHA-256 (hex) of a stored file, read as it streams. */
  digestObject(key: string): Promise<string>;
  /** Keeps a digest computed late on the attachment (only if it still has none). */
  keepDigest(code: string, index: number, attachmentId: string, sha256: string): Promise<void>;
  /**
   * Records the fetch beside the dossier and in its owner's access log; false, recording nothing, when the
   * agency's signed request was already answered.
   */
  recordAccess(code: string, access: AttachmentAccess, ownerSub: string): Promise<boolean>;
  /** A GET link to the stored file, offered for download under its own name and type. */
  presign(key: string, fileName: string, contentType: string, expiresInSeconds: number): Promise<string>;
}

/** The signed request, as the agency's signature headers name it. */
export interface SignedRequest {
  webhookId: string;
  /** webhook-timestamp: Unix seconds. */
  timestamp: string;
}

/**
 * Who asks: the agency's system (signed request), someone signed in who is not the owner (an officer of
 * the agency the dossier is routed to, the desk officer who filed it, another representative of its
 * enterprise), or the owner reading what they sent, which is not recorded.
 */
export type FileCaller =
  | { kind: 'agency_system'; agencyId: string; request: SignedRequest }
  | { kind: 'reader'; reader: Reader; requestId: string; reason?: string }
  | { kind: 'owner' };

/**
 * The digest of an attachment: the one kept at intake, or for a scan stored before digests were kept,
 * computed now from the stored bytes and kept so it is never computed again.
 */
async function digestOf(ports: AttachmentFetchPorts, d: DossierRecord, a: StoredAttachment, index: number) {
  if (a.sha256) return a.sha256;
  const sha256 = await ports.digestObject(a.key);
  await ports.keepDigest(d.code, index, a.uploadId, sha256);
  return sha256;
}

/** A file of the dossier as a download names it: a scan, or in a bundle the previous agency's result. */
interface DossierFile {
  attachment: Pick<StoredAttachment, 'documentType' | 'fileName' | 'contentType' | 'size' | 'key'>;
  sha256: string;
}

async function fileOf(
  ports: AttachmentFetchPorts,
  dossier: DossierRecord,
  attachmentId: string,
): Promise<DossierFile | undefined> {
  const index = dossier.attachments.findIndex(
    (a) => attachmentIdOf(dossier.code, a.uploadId) === attachmentId,
  );
  const attachment = dossier.attachments[index];
  if (attachment) return { attachment, sha256: await digestOf(ports, dossier, attachment, index) };
  const own = dossier.result;
  if (attachmentId === ownResultIdOf(dossier.code))
    return own?.kind === 'electronic'
      ? {
          attachment: {
            documentType: own.documentType ?? OWN_RESULT,
            fileName: own.fileName,
            contentType: own.contentType,
            size: own.size,
            key: own.key,
          },
          sha256: own.sha256,
        }
      : undefined;
  const previous = dossier.previousResult;
  if (previous?.kind !== 'electronic' || attachmentId !== attachmentIdOf(dossier.code, PREVIOUS_RESULT))
    return undefined;
  const result = (await ports.loadDossier(previous.dossierCode))?.result;
  if (result?.kind !== 'electronic') return undefined;
  return {
    attachment: {
      documentType: PREVIOUS_RESULT,
      fileName: result.fileName,
      contentType: result.contentType,
      size: result.size,
      key: result.key,
    },
    sha256: result.sha256,
  };
}

export async function fetchAttachment(
  ports: AttachmentFetchPorts,
  caller: FileCaller,
  code: string,
  attachmentId: string,
): Promise<z.infer<typeof attachmentLink>> {
  const dossier = await ports.loadDossier(code);
  // Routed elsewhere, or not yet sent to this agency (fee unpaid, bundle step waiting): as if missing.
  // (People reach this through the route's access rule, which decided already.)
  if (
    !dossier ||
    (caller.kind === 'agency_system' && (dossier.agencyId !== caller.agencyId || !isDispatched(dossier)))
  )
    throw new AppError('DOSSIER_NOT_FOUND');
  const file = await fileOf(ports, dossier, attachmentId);
  if (!file) throw new AppError('ATTACHMENT_NOT_FOUND');
  const { attachment, sha256 } = file;

  const now = ports.now();
  if (caller.kind !== 'owner') {
    const signedAt =
      caller.kind === 'agency_system' ? new Date(Number(caller.request.timestamp) * 1000) : undefined;
    const who: Reader =
      caller.kind === 'agency_system'
        ? { via: 'agency_system', reader: caller.agencyId, agencyId: caller.agencyId }
        : caller.reader;
    // The fetch is recorded before the link exists: no link is ever handed out unrecorded (a record that
    // cannot be written fails the fetch with 503).
    let recorded = true;
    const record = {
      putRead: async (read: DataRead, ownerSub: string) => {
        recorded = await ports.recordAccess(read.dossierCode, read, ownerSub);
      },
    };
    await recordRead(
      record,
      {
        at: now.toISOString(),
        requestId: caller.kind === 'agency_system' ? caller.request.webhookId : caller.requestId,
        dossierCode: dossier.code,
        ...who,
        what:
          attachmentId === attachmentIdOf(dossier.code, PREVIOUS_RESULT) ||
          attachmentId === ownResultIdOf(dossier.code)
            ? 'result'
            : 'attachment',
        ...(caller.kind === 'reader' && caller.reason ? { reason: caller.reason } : {}),
        attachmentId,
        documentType: attachment.documentType,
        ...(signedAt
          ? { signedAt: Number.isFinite(signedAt.getTime()) ? signedAt.toISOString() : now.toISOString() }
          : {}),
      },
      dossier.ownerSub,
    );
    if (!recorded) throw new AppError('SIGNATURE_REPLAYED');
  }

  const url = await ports.presign(
    attachment.key,
    attachment.fileName,
    attachment.contentType,
    ATTACHMENT_LINK_SECONDS,
  );
  return {
    attachmentId,
    documentType: attachment.documentType,
    fileName: attachment.fileName,
    contentType: attachment.contentType,
    size: attachment.size,
    sha256,
    url,
    expiresAt: new Date(now.getTime() + ATTACHMENT_LINK_SECONDS * 1000).toISOString(),
  };
}
