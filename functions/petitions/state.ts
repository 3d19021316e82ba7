/**
 * The petition state machine, in one place (pure). `received → assigned → answered → published`, or
 * `rejected` (out of scope); `escalated` when the agency lets a deadline lapse (the parent agency then
 * holds it and moves it on the same way); `petition.reassigned` hands it to another agency, which
 * receives it afresh. As for dossiers, a late assignment (the petition has moved past it) is `stale`:
 * acknowledged, not applied; any other step out of place — a second outcome, an outcome contradicting
 * another — is illegal (409).
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

export const FINAL_PETITION_STATES: ReadonlySet<PetitionStatus> = new Set(['published', 'rejected']);

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
  // Only an assignment can arrive late (after the answer, refusal or move it preceded): acknowledged.
  if (step === 'petition.assigned') return { kind: 'stale' };
  return { kind: 'illegal', reason: 'state' };
}

/** Which deadline runs in a status: referral until assigned, then answer; none once settled. */
export function clockOf(status: PetitionStatus): 'referral' | 'answer' | undefined {
  if (status === 'received' || status === 'escalated') return 'referral';
  if (status === 'assigned') return 'answer';
  return undefined;
}
