/**
 * Electronic results as verifiable documents. When an agency issues an electronic result the portal keeps
 * the agency's file (in S3, with its SHA-256) and a signed record of it; the issuing agency may later revoke
 * the document or replace it with a corrected one, and each change is a new signed record. Anyone checks a
 * document at GET /v1/verify/{documentId} (or offline with the published keys); the answer names only
 * non-personal facts.
 */

import type { DossierRecord, DossierResult } from '../core/dossier.js';
import { findAgency } from '../registry/agencies.js';
import { type RecordStatus, type ResultSigner, type SignedRecord, signRecord } from './result-record.js';

export type ElectronicResult = Extract<DossierResult, { kind: 'electronic' }>;

/** The stored document: the file's facts, who holds it, and its current signed record. */
export interface ResultDocument {
  documentId: string;
  dossierCode: string;
  procedureCode: string;
  documentType: string;
  issuingAgency: string;
  issuedAt: string;
  sha256: string;
  status: RecordStatus;
  statusAt?: string;
  replacedBy?: string;
  replaces?: string;
  /** The agency's reason for revoking or replacing it (shown to its holder, not to verifiers). */
  reason?: string;
  fileName: string;
  contentType: string;
  size: number;
  /** Where the file is kept (results/<dossier code>/…). */
  key: string;
  /** The holder: the dossier's owner. */
  ownerSub: string;
  record: SignedRecord;
  /** Compact JWS (ES256) over the canonical record. */
  signature: string;
}

/** When the agency names no document type: the procedure's result. */
export const defaultResultType = (procedureCode: string) => `result_${procedureCode.replace(/\./g, '_')}`;

const recordOf = (d: Omit<ResultDocument, 'record' | 'signature'>): SignedRecord => ({
  documentId: d.documentId,
  dossierCode: d.dossierCode,
  procedureCode: d.procedureCode,
  documentType: d.documentType,
  issuingAgency: d.issuingAgency,
  issuedAt: d.issuedAt,
  sha256: d.sha256,
  status: d.status,
  ...(d.statusAt ? { statusAt: d.statusAt } : {}),
  ...(d.replacedBy ? { replacedBy: d.replacedBy } : {}),
  ...(d.replaces ? { replaces: d.replaces } : {}),
});

async function signed(
  signer: ResultSigner,
  d: Omit<ResultDocument, 'record' | 'signature'>,
): Promise<ResultDocument> {
  const record = recordOf(d);
  return { ...d, record, signature: await signRecord(signer, record) };
}

/** A newly issued electronic result as a signed document. */
export function issueDocument(
  signer: ResultSigner,
  input: {
    documentId: string;
    dossier: Pick<DossierRecord, 'code' | 'procedureCode' | 'ownerSub'>;
    agencyId: string;
    result: ElectronicResult;
    documentType?: string;
    replaces?: string;
  },
): Promise<ResultDocument> {
  const { dossier, result } = input;
  return signed(signer, {
    documentId: input.documentId,
    dossierCode: dossier.code,
    procedureCode: dossier.procedureCode,
    documentType: input.documentType ?? defaultResultType(dossier.procedureCode),
    issuingAgency: input.agencyId,
    issuedAt: result.issuedAt,
    sha256: result.sha256,
    status: 'valid',
    ...(input.replaces ? { replaces: input.replaces } : {}),
    fileName: result.fileName,
    contentType: result.contentType,
    size: result.size,
    key: result.key,
    ownerSub: dossier.ownerSub,
  });
}

/** The same document, revoked or replaced by the agency that issued it: signed afresh. */
export function changeStatus(
  signer: ResultSigner,
  doc: ResultDocument,
  change: { status: Exclude<RecordStatus, 'valid'>; at: string; reason: string; replacedBy?: string },
): Promise<ResultDocument> {
  const { record: _r, signature: _s, ...rest } = doc;
  return signed(signer, {
    ...rest,
    status: change.status,
    statusAt: change.at,
    reason: change.reason,
    ...(change.replacedBy ? { replacedBy: change.replacedBy } : {}),
  });
}

/** Where a document is verified (the QR code carries it), with its dossier and procedure to cross-check. */
export function verificationLink(
  doc: Pick<ResultDocument, 'documentId' | 'dossierCode' | 'procedureCode'>,
  portalUrl?: string,
): string {
  const query = new URLSearchParams({ dossier: doc.dossierCode, procedure: doc.procedureCode });
  const path = `/verify/${encodeURIComponent(doc.documentId)}?${query}`;
  return portalUrl ? `${portalUrl.replace(/\/+$/, '')}${path}` : path;
}

export type VerificationStatus = 'genuine' | 'revoked' | 'replaced' | 'unknown';

export interface Verification {
  documentId: string;
  status: VerificationStatus;
  document?: {
    documentType: string;
    issuingAgency: string;
    issuingAgencyName: string;
    issuedAt: string;
    statusAt?: string;
    replacedBy?: string;
  };
  record?: SignedRecord;
  signature?: string;
}

const VERDICT: Record<RecordStatus, VerificationStatus> = {
  valid: 'genuine',
  revoked: 'revoked',
  replaced: 'replaced',
};

/**
 * The public answer: only what the document is, who issued it, when, and whether it stands — never the
 * holder, the file name or the reason — plus the signed record and its signature for offline checking.
 */
export function verificationOf(documentId: string, doc: ResultDocument | undefined): Verification {
  if (!doc) return { documentId, status: 'unknown' };
  return {
    documentId,
    status: VERDICT[doc.status],
    document: {
      documentType: doc.documentType,
      issuingAgency: doc.issuingAgency,
      issuingAgencyName: findAgency(doc.issuingAgency)?.name ?? doc.issuingAgency,
      issuedAt: doc.issuedAt,
      ...(doc.statusAt ? { statusAt: doc.statusAt } : {}),
      ...(doc.replacedBy ? { replacedBy: doc.replacedBy } : {}),
    },
    record: doc.record,
    signature: doc.signature,
  };
}
