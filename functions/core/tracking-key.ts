/**
 * The key public tracking asks for beside the dossier code. Dossier codes follow Circular 01/2018
 * (`<agency code>-YYMMDD-NNNN`, a daily sequence), so anyone could count through them; the key, issued
 * with the receipt and printed on it, is 12 random Crockford base-32 characters (60 bits), which
 * nobody can guess within the tracking route's abuse limit.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const TRACKING_KEY_LENGTH = 12;

export function newTrackingKey(): string {
  // 256 is a multiple of 32, so each character is uniform.
  return [...randomBytes(TRACKING_KEY_LENGTH)].map((b) => ALPHABET[b & 31]).join('');
}

/** Whether `given` is the dossier's key, compared in constant time; a dossier without a key matches nothing. */
export function isTrackingKey(stored: string | undefined, given: string): boolean {
  if (!stored || stored.length !== given.length) return false;
  return timingSafeEqual(Buffer.from(stored), Buffer.from(given));
}
