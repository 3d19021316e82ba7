/**
 * Data never asked twice: the documents the signed-in person already holds (GET /v1/me/documents),
 * one per document type, a valid electronic result before an earlier scan, newest first. The filing
 * page offers each in place of an upload and files it as `{ documentType, documentId }`.
 */
import { request } from '../api.js';

export interface HeldDocument {
  documentId: string;
  documentType: string;
  fileName: string;
  kind: 'result' | 'scan';
  /** For a result: the issuing agency's name; for a scan: the dossier it was filed in. */
  from: string;
  /** When it was issued (a result) or filed (a scan). */
  at: string;
}

interface MyDocument {
  documentId: string;
  documentType: string;
  fileName: string;
  dossierCode: string;
  uploadedAt: string;
  kind?: 'scan' | 'result';
  issuedAt?: string;
  issuer?: string;
  issuerName?: string;
  status?: 'valid' | 'revoked' | 'replaced';
}

/** The best held document per type: a valid result wins over a scan; revoked or replaced ones never count. */
export function pickHeld(
  items: readonly MyDocument[],
  types: readonly string[],
): Record<string, HeldDocument> {
  const out: Record<string, HeldDocument> = {};
  for (const d of items) {
    if (!types.includes(d.documentType)) continue;
    const kind = d.kind ?? 'scan';
    if (kind === 'result' && d.status !== 'valid') continue;
    const seen = out[d.documentType];
    if (seen && (seen.kind === 'result' || kind === 'scan')) continue;
    out[d.documentType] = {
      documentId: d.documentId,
      documentType: d.documentType,
      fileName: d.fileName,
      kind,
      from: kind === 'result' ? (d.issuerName ?? d.issuer ?? d.dossierCode) : d.dossierCode,
      at: kind === 'result' ? (d.issuedAt ?? d.uploadedAt) : d.uploadedAt,
    };
  }
  return out;
}

/** The first page of the person's documents (results come first), read once when the form opens. */
export async function loadHeld(types: readonly string[]): Promise<Record<string, HeldDocument>> {
  if (!types.length) return {};
  const page = await request<{ items: MyDocument[] }>('/v1/me/documents?limit=100', { auth: true });
  return pickHeld(page.items, types);
}
