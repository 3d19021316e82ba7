/** When the queue offers a failed delivery again. */
import { fullJitterDelaySeconds, parseRetryAfter } from '../core/backoff.js';
import { DISPATCH } from '../core/resources.js';
import type { FailureKind } from './deliver.js';

/** Seconds until the queue offers the message again: the agency's Retry-After, else scaled backoff. */
export function retryDelaySeconds(
  kind: FailureKind,
  attempt: number,
  retryAfter: string | null | undefined,
  scale: number,
  random = Math.random,
): number {
  const cap = DISPATCH.backoffCapSeconds;
  const asked = kind === 'failed' ? parseRetryAfter(retryAfter) : undefined;
  if (asked !== undefined) return Math.min(asked, cap);
  const backoff =
    kind === 'failed' ? fullJitterDelaySeconds(attempt, DISPATCH.backoffBaseSeconds, cap, random) : cap;
  return Math.min(cap, Math.max(0, Math.round(backoff * scale)));
}
