/**
 * Provider signatures in the style of Vietnamese gateways (VNPay's vnp_SecureHash): HMAC-SHA512 over
 * the `vnp_` parameters sorted by name, each `key=value` URL-encoded (space as `+`) and joined with `&`.
 * Verification recomputes over the parameters exactly as received and compares in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const HASH_FIELD = 'vnp_SecureHash';
const UNSIGNED = new Set([HASH_FIELD, 'vnp_SecureHashType']);

const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');

export function canonicalParams(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k.startsWith('vnp_') && !UNSIGNED.has(k))
    .sort()
    .map((k) => `${encode(k)}=${encode(params[k] ?? '')}`)
    .join('&');
}

export function signParams(secret: string, params: Record<string, string>): string {
  return createHmac('sha512', secret).update(canonicalParams(params), 'utf8').digest('hex');
}

/** The parameters with their signature added. */
export function signed(secret: string, params: Record<string, string>): Record<string, string> {
  return { ...params, [HASH_FIELD]: signParams(secret, params) };
}

/** Text with a lone surrogate (a JSON `\ud800` escape) is no provider's: it has no UTF-8 to sign. */
const LONE_SURROGATE = /\p{Surrogate}/u;

export function verifyParams(secret: string, params: Record<string, string>): boolean {
  const given = params[HASH_FIELD];
  if (!given || !/^[0-9a-fA-F]{128}$/.test(given)) return false;
  if (Object.entries(params).some(([k, v]) => LONE_SURROGATE.test(k) || LONE_SURROGATE.test(v))) return false;
  const expected = Buffer.from(signParams(secret, params), 'hex');
  return timingSafeEqual(expected, Buffer.from(given.toLowerCase(), 'hex'));
}

/** HMAC-SHA512 of a JSON body, for calls to billers. */
export function signBody(secret: string, body: string): string {
  return createHmac('sha512', secret).update(body, 'utf8').digest('hex');
}

export function verifyBody(secret: string, body: string, signature: string | undefined): boolean {
  if (!signature || !/^[0-9a-f]{128}$/.test(signature)) return false;
  return timingSafeEqual(Buffer.from(signBody(secret, body), 'hex'), Buffer.from(signature, 'hex'));
}

/** Gateways speak local time (Asia/Ho_Chi_Minh, UTC+7) as yyyyMMddHHmmss. */
export function gatewayTime(d: Date): string {
  return new Date(d.getTime() + 7 * 3_600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

export function parseGatewayTime(s: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s ?? '');
  if (!m) return undefined;
  const t = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+07:00`);
  return Number.isNaN(t) ? undefined : new Date(t);
}
