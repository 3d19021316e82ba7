/**
 * SHA-256 of a stored scan, in the one form the portal publishes: 64 lowercase hex digits (what
 * `sha256sum` prints). Amazon S3 reports checksums in base64; the local S3 keeps none, so a copy made
 * there is hashed as its bytes stream past.
 */
import { createHash } from 'node:crypto';

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** S3's base64 SHA-256 checksum as hex; undefined unless it is a whole 32-byte digest. */
export function hexFromBase64Checksum(base64: string | undefined): string | undefined {
  if (!base64) return undefined;
  const bytes = Buffer.from(base64, 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : undefined;
}

/** Hashes a body as it streams, never holding the whole file (scans reach 20 MB). */
export async function sha256OfStream(body: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of body) hash.update(chunk);
  return hash.digest('hex');
}
