/**
 * Abuse limits on intake, uploads and petitions: per account and per client address, over fixed
 * windows counted in the table, so the limit holds however many Lambdas serve the route. API Gateway's
 * stage throttling (lib/api-stack.ts) caps raw request rates in front of this; this caps how much one
 * person or one address may file.
 *
 * Fixed windows (one counter item per subject and window, a conditional ADD) rather than a sliding
 * log: one write per subject per request, no read, and a Retry-After that is exact (the window's end).
 * A counter never passes its limit: the ADD is conditional on `hits < limit`, so a refused request
 * costs its subject nothing more. The two subjects are separate writes (a transaction would conflict
 * under concurrent requests from one busy address); a request refused by one may have used one unit of
 * the other's allowance, which errs on the strict side.
 *
 * A route whose work is one transaction (submitting a dossier) may count the account inside that
 * transaction instead (`accountLimitAt: 'commit'`): one call fewer per request, and the account's
 * allowance then counts what it really filed. Only the account's own concurrent filings can conflict
 * there, and the commit retries those. The address is still counted before any work, so bad requests
 * and someone working through many accounts still meet a limit before they cost anything.
 */
import { createHash } from 'node:crypto';
import type { Config } from './config.js';
import { AppError } from './errors.js';

export type RateLimitClass = keyof Config['RATE_LIMITS'];
export type RateLimitRule = Config['RATE_LIMITS'][RateLimitClass];

export interface RateWindow {
  /** Epoch seconds. */
  start: number;
  end: number;
}

/** The fixed window an instant falls in. */
export function windowOf(nowMs: number, windowSeconds: number): RateWindow {
  const start = Math.floor(nowMs / 1000 / windowSeconds) * windowSeconds;
  return { start, end: start + windowSeconds };
}

/** Whole seconds until the window ends, at least 1 (RFC 9110 delay-seconds). */
export function retryAfterSeconds(nowMs: number, window: RateWindow): number {
  return Math.max(1, Math.ceil(window.end - nowMs / 1000));
}

/**
 * The subject an address is counted under: a hash, so the table never holds callers' addresses
 * (the counters expire within a day anyway).
 */
export const ipSubject = (ip: string) =>
  `ip:${createHash('sha256').update(`cong-rate-limit:${ip}`).digest('hex').slice(0, 32)}`;
export const accountSubject = (sub: string) => `acct:${sub}`;

/**
 * Who a request counts against: the signed-in account, and the client address unless the account is a
 * one-stop desk officer's. A desk files for many citizens from one office address all day; its officers'
 * accounts are issued by the agency and limited each on their own.
 */
export function rateLimitSubjects(
  principal: { kind: string; sub?: string; role?: string; agencyId?: string } | null,
  /** The client's address (clientAddress in core/edge-origin.ts). */
  address: string | undefined,
): { account?: string; ip?: string } {
  // An agency's own routes count per agency, its system and its officers together, whatever the address.
  if (principal?.kind === 'agency' && principal.agencyId) return { account: `agency:${principal.agencyId}` };
  const person = principal?.kind === 'person' ? principal : undefined;
  return {
    ...(person?.sub ? { account: person.sub } : {}),
    ...(address && person?.role !== 'desk_officer' && person?.role !== 'support_agent'
      ? { ip: address }
      : {}),
  };
}

export interface RateLimitPorts {
  /** Counts one request unless the subject reached `limit` in the window; false when refused. */
  take(limitClass: RateLimitClass, subject: string, window: RateWindow, limit: number): Promise<boolean>;
}

export interface RateLimitRequest {
  limitClass: RateLimitClass;
  /** The signed-in account, when there is one. */
  account?: string;
  /** The client's address: the viewer's behind the edge, API Gateway's sourceIp locally (core/edge-origin.ts). */
  ip?: string;
  now: number;
}

/** One subject's counter in one window, to be taken inside the operation's own transaction. */
export interface RateClaim {
  limitClass: RateLimitClass;
  subject: string;
  window: RateWindow;
  limit: number;
}

/** 429 RATE_LIMITED with Retry-After at the window's end, naming who reached the limit. */
export function rateLimited(
  limitClass: RateLimitClass,
  by: readonly ('account' | 'address')[],
  now: number,
  window: RateWindow,
): AppError {
  const err = new AppError('RATE_LIMITED', {
    limit: limitClass,
    by,
    retryAfterSeconds: retryAfterSeconds(now, window),
  });
  err.headers = { 'retry-after': String(retryAfterSeconds(now, window)) };
  return err;
}

/**
 * Counts the request for its account and its address; refuses with 429 and Retry-After over either.
 * With `accountAt: 'commit'` the account is not counted here: its claim is returned for the operation's
 * transaction.
 */
export async function enforceRateLimit(
  ports: RateLimitPorts,
  rule: RateLimitRule,
  req: RateLimitRequest & { accountAt?: 'commit' },
): Promise<RateClaim | undefined> {
  const window = windowOf(req.now, rule.windowSeconds);
  const checks: { subject: string; limit: number }[] = [];
  const accountClaim =
    req.account && req.accountAt === 'commit'
      ? { limitClass: req.limitClass, subject: accountSubject(req.account), window, limit: rule.perAccount }
      : undefined;
  if (req.account && !accountClaim)
    checks.push({ subject: accountSubject(req.account), limit: rule.perAccount });
  if (req.ip) checks.push({ subject: ipSubject(req.ip), limit: rule.perIp });
  const taken = await Promise.all(checks.map((c) => ports.take(req.limitClass, c.subject, window, c.limit)));
  if (taken.every(Boolean)) return accountClaim;
  throw rateLimited(
    req.limitClass,
    checks.filter((_, i) => !taken[i]).map((c) => (c.subject.startsWith('ip:') ? 'address' : 'account')),
    req.now,
    window,
  );
}
