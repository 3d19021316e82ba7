/**
 * The signed record of an electronic result: the facts a verifier needs (which document, of which
 * dossier and procedure, issued by whom and when, the SHA-256 of its file, and whether it still stands),
 * canonicalised (RFC 8785, JSON Canonicalization Scheme) and signed as a compact JWS (ES256). Anyone holding
 * the portal's published keys (GET /v1/verify/keys, a JWKS) checks it offline; nothing else is needed.
 */
import canonicalize from 'canonicalize';
import type { JSONWebKeySet, JWK } from 'jose';

/** The record's own status: what the issuing agency last said of the document. */
export type RecordStatus = 'valid' | 'revoked' | 'replaced';

export interface SignedRecord {
  documentId: string;
  dossierCode: string;
  procedureCode: string;
  documentType: string;
  /** The issuing agency's id in the agency registry (GET /v1/agencies/{id}). */
  issuingAgency: string;
  issuedAt: string;
  /** SHA-256 of the document's file, 64 lowercase hex digits. */
  sha256: string;
  status: RecordStatus;
  /** When the status last changed (revoked or replaced); absent while valid. */
  statusAt?: string;
  /** The document that replaces this one. */
  replacedBy?: string;
  /** The document this one replaces. */
  replaces?: string;
}

/** A public key that verifies the portal's signatures, as published (its key type always named). */
export type PublicJwk = JWK & { kty: string };

/** Signs bytes with the portal's result key: ES256, the signature as JWS wants it (r ‖ s, 64 bytes). */
export interface ResultSigner {
  /** The key id (the public JWK's RFC 7638 thumbprint), named in each signature's header. */
  keyId(): Promise<string>;
  sign(data: Buffer): Promise<Buffer>;
  /** The public keys that verify the portal's signatures (the current one first). */
  jwks(): Promise<{ keys: PublicJwk[] }>;
}

/** The media type a signature's header names, so the token is never mistaken for another kind of JWS. */
export const RECORD_TYPE = 'cong-result-record+jws';

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** The exact bytes that are signed: the record in canonical JSON (key order and spacing fixed). */
export function canonicalRecord(record: SignedRecord): string {
  const text = canonicalize(record);
  if (text === undefined) throw new Error('record cannot be canonicalised');
  return text;
}

/** A compact JWS over the canonical record. */
export async function signRecord(signer: ResultSigner, record: SignedRecord): Promise<string> {
  const header = b64url(JSON.stringify({ alg: 'ES256', kid: await signer.keyId(), typ: RECORD_TYPE }));
  const payload = b64url(canonicalRecord(record));
  const signature = await signer.sign(Buffer.from(`${header}.${payload}`, 'ascii'));
  return `${header}.${payload}.${b64url(signature)}`;
}

export type OfflineVerdict =
  | { valid: true; record: SignedRecord; keyId: string }
  | { valid: false; reason: 'bad_signature' | 'record_mismatch' | 'file_mismatch' };

/**
 * Checks a signature with nothing but the published JWKS: the JWS must verify under one of its keys, its
 * payload must be exactly the canonical form of the record shown beside it, and, when the file's digest
 * is given, the record must name that digest.
 */
export async function verifyOffline(
  signature: string,
  jwks: JSONWebKeySet,
  expected?: { record?: SignedRecord; sha256?: string },
): Promise<OfflineVerdict> {
  let payload: Uint8Array;
  let kid: string | undefined;
  // jose loads with the first verification: the functions that only sign records never compile it.
  const { compactVerify, createLocalJWKSet } = await import('jose');
  try {
    const out = await compactVerify(signature, createLocalJWKSet(jwks), { algorithms: ['ES256'] });
    if (out.protectedHeader.typ !== RECORD_TYPE) return { valid: false, reason: 'bad_signature' };
    payload = out.payload;
    kid = out.protectedHeader.kid;
  } catch {
    return { valid: false, reason: 'bad_signature' };
  }
  const text = Buffer.from(payload).toString('utf8');
  const record = JSON.parse(text) as SignedRecord;
  if (canonicalRecord(record) !== text) return { valid: false, reason: 'record_mismatch' };
  if (expected?.record && canonicalRecord(expected.record) !== text)
    return { valid: false, reason: 'record_mismatch' };
  if (expected?.sha256 && expected.sha256 !== record.sha256) return { valid: false, reason: 'file_mismatch' };
  return { valid: true, record, keyId: kid ?? '' };
}
