/** Capped exponential backoff with full jitter: retries spread out instead of arriving in waves. */
export function fullJitterDelaySeconds(
  attempt: number,
  baseSeconds: number,
  capSeconds: number,
  random = Math.random,
) {
  const ceiling = Math.min(capSeconds, baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.floor(random() * ceiling));
}

/** The same in milliseconds, without a floor: for short in-process retries (transaction conflicts). */
export function fullJitterDelayMs(attempt: number, baseMs: number, capMs: number, random = Math.random) {
  return random() * Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retry-After as seconds (delta or HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  // Only an RFC 9110 HTTP-date counts: Date.parse accepts nearly anything, and junk must not mean "now".
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value.trim()))
    return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}
