/**
 * Who has read a citizen's dossier: every read by someone other than its owner — an agency's fetch of a
 * file, an officer or the filing desk opening it, a reveal of its sealed identifiers — newest first, as
 * recorded beside the dossier before the data was answered (functions/pii/read-log.ts). Only the owner's
 * side sees it.
 */
import type * as z from 'zod';
import type { accessLogQuery, dossierAccessEntry } from '../../schemas/dossier-views.js';
import { decodeCursor, encodeCursor } from '../core/cursor.js';
import type { DossierRecord } from '../core/dossier.js';
import { keys } from '../core/keys.js';
import { attachmentIdOf, PREVIOUS_RESULT } from '../documents/agency-files.js';
import type { DataRead } from '../pii/read-log.js';
import { findAgency } from '../registry/agencies.js';

export type AccessKey = { pk: string; sk: string };

/** A read as stored: records of file fetches written before `what` and `reader` existed lack them. */
export type StoredRead = Omit<DataRead, 'what' | 'reader' | 'dossierCode'> &
  Partial<Pick<DataRead, 'what' | 'reader' | 'dossierCode'>>;

export interface AccessLogPorts {
  /** One page of the dossier's fetch records, newest first. */
  accessPage(
    code: string,
    q: { after?: AccessKey; limit: number },
  ): Promise<{ items: StoredRead[]; lastKey?: AccessKey }>;
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
    { sk: keys.dossierReadPrefix },
  ) as AccessKey | undefined;
  const page = await ports.accessPage(dossier.code, { after, limit: q.limit });
  const files = new Map(dossier.attachments.map((a) => [attachmentIdOf(dossier.code, a.uploadId), a]));
  return {
    items: page.items.map((a) => {
      const file = a.attachmentId
        ? (files.get(a.attachmentId) ??
          (a.attachmentId === attachmentIdOf(dossier.code, PREVIOUS_RESULT)
            ? dossier.previousResult
            : undefined))
        : undefined;
      return {
        at: a.at,
        via: a.via,
        // File fetches recorded before reads were told apart name no `what`.
        what: a.what ?? 'attachment',
        ...(a.reader ? { reader: a.reader } : {}),
        ...(a.agencyId
          ? { agencyId: a.agencyId, agencyName: findAgency(a.agencyId)?.name ?? a.agencyId }
          : {}),
        ...(a.reason ? { reason: a.reason } : {}),
        ...(a.attachmentId
          ? {
              attachment: {
                attachmentId: a.attachmentId,
                documentType: a.documentType ?? '',
                ...(file?.fileName ? { fileName: file.fileName } : {}),
              },
            }
          : {}),
      };
    }),
    nextCursor: encodeCursor(page.lastKey),
  };
}
