/**
 * Timeline events are appended, never changed, and chained: each carries the hash of the one before,
 * so any edit or deletion in the middle of a dossier's history is detectable.
 */
import { createHash } from 'node:crypto';
import type { DossierStatus } from '../../schemas/dossier.js';
import type { Actor, DossierStep } from './dossier-state.js';

export interface TimelineEvent {
  seq: number;
  at: string;
  type: DossierStep;
  status: DossierStatus;
  actor: Actor;
  /** Which agency or event id caused it (never a person's identity). */
  source?: string;
  note?: string;
  dueAt?: string;
  details?: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** Stable JSON: keys sorted so the hash does not depend on property order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sealEvent(event: Omit<TimelineEvent, 'hash'>): TimelineEvent {
  const hash = createHash('sha256').update(canonical(event)).digest('hex');
  return { ...event, hash };
}

export function verifyChain(events: readonly TimelineEvent[]): boolean {
  let prev = GENESIS_HASH;
  for (const [i, e] of events.entries()) {
    if (e.seq !== i + 1 || e.prevHash !== prev) return false;
    const { hash, ...rest } = e;
    if (sealEvent(rest).hash !== hash) return false;
    prev = hash;
  }
  return true;
}

/**
 * The chain is intact when every event links to the one before and the dossier's recorded head is
 * the newest event: a dropped tail event would otherwise go unnoticed.
 */
export function verifyTimeline(
  head: { lastSeq: number; lastHash: string },
  events: readonly TimelineEvent[],
) {
  const last = events.at(-1);
  const intact = verifyChain(events) && last?.seq === head.lastSeq && last.hash === head.lastHash;
  return { intact, events: events.length };
}

export { canonical };
