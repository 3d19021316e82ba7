/**
 * The owner's view of a dossier's result: an electronic document through a short-lived presigned link
 * (the link, not the file, passes through the API; it expires so a forwarded link soon stops working),
 * or how and where a paper result is handed over.
 */
import type * as z from 'zod';
import type { dossierResultView } from '../../schemas/dossier-views.js';
import type { DossierRecord } from '../core/dossier.js';
import { AppError } from '../core/errors.js';

export const RESULT_LINK_SECONDS = 300;

export interface ResultPorts {
  now(): Date;
  /** A GET link to the stored document, offered for download under its own file name. */
  presign(key: string, fileName: string, contentType: string, expiresInSeconds: number): Promise<string>;
}

export async function resultOf(
  ports: ResultPorts,
  dossier: DossierRecord,
): Promise<z.infer<typeof dossierResultView>> {
  const result = dossier.result;
  if (!result) throw new AppError('RESULT_NOT_ISSUED', { currentStatus: dossier.status });
  if (result.kind === 'pickup') {
    const { kind, issuedAt, method, note, trackingNumber } = result;
    return { kind, issuedAt, method, note, ...(trackingNumber ? { trackingNumber } : {}) };
  }
  const expiresAt = new Date(ports.now().getTime() + RESULT_LINK_SECONDS * 1000).toISOString();
  const url = await ports.presign(result.key, result.fileName, result.contentType, RESULT_LINK_SECONDS);
  const { kind, issuedAt, fileName, contentType, size, sha256 } = result;
  return { kind, issuedAt, fileName, contentType, size, sha256, url, expiresAt };
}

/** RFC 6266 attachment header for a Vietnamese file name: an ASCII fallback plus the UTF-8 name. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
