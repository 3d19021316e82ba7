/**
 * Protection of the two identifiers the portal treats as most sensitive in a profile: the citizen ID
 * (CCCD) and the phone number. At rest they are AES-256-GCM ciphertext bound to their owner and field;
 * the citizen ID also gets a keyed hash (HMAC-SHA256) so it can be looked up without being decrypted.
 * Shown, they are masked unless the owner asks for them in full.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export interface ProfileKeys {
  encryption: Buffer;
  lookup: Buffer;
}

/**
 * Two independent keys from one secret, so the look-up hash can never serve as the cipher key. The
 * secret is the 32 bytes of PROFILE_DATA_KEY locally, the Secrets Manager string in AWS.
 */
export function deriveProfileKeys(material: Buffer): ProfileKeys {
  if (material.length < 32) throw new Error('the profile data key must have at least 32 bytes');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', material, 'cong-profile', info, 32));
  return { encryption: derive('aes-256-gcm'), lookup: derive('citizen-id-hmac') };
}

const VERSION = 'v1';

/** `v1.<iv>.<ciphertext>.<tag>`; the additional data ties it to one person's field, so it cannot be moved. */
export function seal(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv, body, cipher.getAuthTag()]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export function open(key: Buffer, sealed: string, context: string): string {
  const [version, iv, body, tag] = sealed.split('.');
  if (version !== VERSION || !iv || body === undefined || !tag) throw new Error('unreadable sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

/** The additional data a profile field is sealed with: its owner and its name. */
export const profileFieldContext = (sub: string, field: 'citizenId' | 'phone') => `profile:${field}:${sub}`;

export function citizenIdHash(key: Buffer, citizenId: string): string {
  return createHmac('sha256', key).update(citizenId).digest('hex');
}

/** Keeps `head` and `tail` characters: enough for the owner to recognise, too little to reuse. */
const mask = (value: string, head: number, tail: number) =>
  value.length <= head + tail
    ? '*'.repeat(value.length)
    : `${value.slice(0, head)}${'*'.repeat(value.length - head - tail)}${value.slice(-tail)}`;

/** `001188000123` → `0011******23` (the first digits are the province code, a known prefix). */
export const maskCitizenId = (id: string) => mask(id, 4, 2);
/** `0912345678` → `09******78`. */
export const maskPhone = (phone: string) => mask(phone, 2, 2);
