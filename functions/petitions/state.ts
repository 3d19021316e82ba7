/**
 * The petition state machine, in one place (pure). `received → assigned → answered → published`, or
 * `rejected` (out of scope); `escalated` when the agency lets a deadline lapse (the parent agency then
 * holds it and moves it on the same way); `petition.reassigned` hands it to another agency, which
 * receives it afresh. As for dossiers, an agency event whose target lies behind the current state is
 * `stale` (acknowledged, not applied); one that contradicts an outcome is illegal (409).
 */
import type { PetitionEventType, PetitionStatus } from './model.js';

export type PetitionActor = 'citizen' | 'agency' | 'system';

interface Rule {
  to: PetitionStatus;
  from: readonly PetitionStatus[];
  by: readonly PetitionActor[];
}

/** Held by an agency that still owes an answer. */
export const OPEN_PETITION: readonly PetitionStatus[] = ['received', 'assigned', 'escalated'];

export const PETITION_STEPS: Record<PetitionEventType, Rule> = {
  'petition.received': { to: 'received', from: [], by: ['citizen'] },
  'petition.assigned': { to: 'assigned', from: ['received', 'escalated'], by: ['agency'] },
  // An agency may answer without reporting the assignment first: the assignment is implied.
  'petition.answered': { to: 'answered', from: OPEN_PETITION, by: ['agency'] },
  'petition.rejected': { to: 'rejected', from: OPEN_PETITION, by: ['agency'] },
  // The new agency receives it afresh, with fresh deadlines.
  'petition.reassigned': { to: 'received', from: OPEN_PETITION, by: ['agency'] },
  'petition.escalated': { to: 'escalated', from: OPEN_PETITION, by: ['system'] },
  'petition.published': { to: 'published', from: ['answered'], by: ['agency', 'system'] },
};

const RANK: Record<PetitionStatus, number> = {
  received: 0,
  escalated: 0,
  assigned: 1,
  answered: 2,
  published: 3,
  rejected: 2,
};

export const FINAL_PETITION_STATES: ReadonlySet<PetitionStatus> = new Set(['published', 'rejected']);
/** Outcomes: once reached, no agency event may contradict them. */
const OUTCOMES: ReadonlySet<PetitionStatus> = new Set(['answered', 'published', 'rejected']);

export type PetitionDecision =
  | { kind: 'apply'; to: PetitionStatus }
  | { kind: 'stale' }
  | { kind: 'illegal'; reason: 'state' | 'actor' };

export function decidePetition(
  current: PetitionStatus,
  step: PetitionEventType,
  actor: PetitionActor,
): PetitionDecision {
  const rule = PETITION_STEPS[step];
  if (!rule.by.includes(actor)) return { kind: 'illegal', reason: 'actor' };
  if (rule.from.includes(current)) return { kind: 'apply', to: rule.to };
  if (current === rule.to && !OUTCOMES.has(rule.to)) return { kind: 'stale' };
  // A late assignment after the answer is acknowledged; a second outcome never is.
  if (!OUTCOMES.has(rule.to) && step !== 'petition.reassigned' && RANK[rule.to] < RANK[current])
    return { kind: 'stale' };
  return { kind: 'illegal', reason: 'state' };
}

/** Which deadline runs in a status: referral until assigned, then answer; none once settled. */
export function clockOf(status: PetitionStatus): 'referral' | 'answer' | undefined {
  if (status === 'received' || status === 'escalated') return 'referral';
  if (status === 'assigned') return 'answer';
  return undefined;
}
