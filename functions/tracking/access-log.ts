/**
 * Who has read a citizen's files: every fetch of one of the dossier's scans by an agency's system,
 * newest first, as recorded beside the dossier when the download link was handed out
 * (functions/documents/agency-files.ts). Only the owner's side sees it.
 */
import type * as z from 'zod';
import type { accessLogQuery, dossierAccessEntry } from '../../schemas/dossier.js';
import { decodeCursor, encodeCursor } from '../core/cursor.js';
import type { DossierRecord } from '../core/dossier.js';
import { keys } from '../core/keys.js';
import { type AttachmentAccess, attachmentIdOf, PREVIOUS_RESULT } from '../documents/agency-files.js';
import { findAgency } from '../registry/agencies.js';

export type AccessKey = { pk: string; sk: string };

export interface AccessLogPorts {
  /** One page of the dossier's fetch records, newest first. */
  accessPage(
    code: string,
    q: { after?: AccessKey; limit: number },
  ): Promise<{ items: AttachmentAccess[]; lastKey?: AccessKey }>;
}

export async function listAccessLog(
  ports: AccessLogPorts,
  dossier: DossierRecord,
  q: z.output<typeof accessLogQuery>,
): Promise<{ items: z.infer<typeof dossierAccessEntry>[]; nextCursor: string | null }> {
  const after = decodeCursor(
    q.cursor,
    ['pk', 'sk'],
    { pk: keys.dossierPartition(dossier.code) },
    { sk: keys.attachmentAccessPrefix },
  ) as AccessKey | undefined;
  const page = await ports.accessPage(dossier.code, { after, limit: q.limit });
  const files = new Map(dossier.attachments.map((a) => [attachmentIdOf(dossier.code, a.uploadId), a]));
  return {
    items: page.items.map((a) => {
      const file =
        files.get(a.attachmentId) ??
        (a.attachmentId === attachmentIdOf(dossier.code, PREVIOUS_RESULT)
          ? dossier.previousResult
          : undefined);
      return {
        at: a.at,
        agencyId: a.agencyId,
        agencyName: findAgency(a.agencyId)?.name ?? a.agencyId,
        via: a.via,
        attachment: {
          attachmentId: a.attachmentId,
          documentType: a.documentType,
          ...(file?.fileName ? { fileName: file.fileName } : {}),
        },
      };
    }),
    nextCursor: encodeCursor(page.lastKey),
  };
}
