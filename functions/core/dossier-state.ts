/**
 * The dossier state machine, in one place. Each step names who may cause it and which states it may
 * leave from. Agencies' events can arrive out of order: an event whose target lies behind the current
 * state is `stale` (acknowledged, not applied); one that skips required steps or leaves a final state is
 * illegal (409 with the current state).
 */
import type { DossierStatus } from '../../schemas/dossier.js';

export type Actor = 'citizen' | 'agency' | 'system';

export type DossierStep =
  | 'dossier.submitted'
  | 'dossier.handed_over'
  | 'payment.succeeded'
  | 'payment.refunded'
  | 'dossier.received'
  | 'dossier.in_progress'
  | 'dossier.step_started'
  | 'dossier.step_completed'
  | 'dossier.extended'
  | 'dossier.supplement_requested'
  | 'dossier.supplemented'
  | 'dossier.approved'
  | 'dossier.rejected'
  | 'dossier.result_issued'
  | 'dossier.completed'
  | 'dossier.withdrawn'
  | 'result.revoked'
  | 'result.replaced';

interface StepRule {
  /** `unchanged`: the step is recorded on the timeline without moving the dossier (an extension). */
  to: DossierStatus | 'unchanged';
  from: readonly DossierStatus[];
  by: readonly Actor[];
}

const OPEN: readonly DossierStatus[] = [
  'submitted',
  'received',
  'in_progress',
  'supplement_requested',
  'supplemented',
];

export const STEPS: Record<DossierStep, StepRule> = {
  'dossier.submitted': { to: 'submitted', from: [], by: ['citizen'] },
  // In an interlinked bundle: the earlier dossier has its result, so this one goes to its agency now
  // and its agency's clock starts.
  'dossier.handed_over': { to: 'unchanged', from: ['submitted'], by: ['system'] },
  // The fee was paid online: recorded on the timeline, the dossier then goes to its agency.
  'payment.succeeded': { to: 'unchanged', from: ['submitted'], by: ['system'] },
  // The fee was given back by an operator: recorded whatever the dossier's stage; it stays where it is.
  'payment.refunded': {
    to: 'unchanged',
    from: [...OPEN, 'approved', 'rejected', 'result_issued', 'completed', 'withdrawn'],
    by: ['system'],
  },
  'dossier.received': { to: 'received', from: ['submitted'], by: ['agency'] },
  // A dossier may be taken up before the separate receipt event arrives: the receipt is implied.
  'dossier.in_progress': {
    to: 'in_progress',
    from: ['submitted', 'received', 'supplemented'],
    by: ['agency'],
  },
  // A named processing step (thẩm định, trình ký…) starts or ends; the dossier is being worked on.
  'dossier.step_started': {
    to: 'in_progress',
    from: ['submitted', 'received', 'in_progress', 'supplemented'],
    by: ['agency'],
  },
  'dossier.step_completed': { to: 'in_progress', from: ['in_progress'], by: ['agency'] },
  // Apology with a new date (form 04): allowed while the agency still holds the dossier.
  'dossier.extended': {
    to: 'unchanged',
    from: ['received', 'in_progress', 'supplement_requested', 'supplemented'],
    by: ['agency'],
  },
  'dossier.supplement_requested': {
    to: 'supplement_requested',
    from: ['received', 'in_progress'],
    by: ['agency'],
  },
  'dossier.supplemented': { to: 'supplemented', from: ['supplement_requested'], by: ['citizen'] },
  'dossier.approved': { to: 'approved', from: ['in_progress', 'supplemented'], by: ['agency'] },
  'dossier.rejected': {
    to: 'rejected',
    from: ['received', 'in_progress', 'supplement_requested', 'supplemented'],
    by: ['agency'],
  },
  'dossier.result_issued': { to: 'result_issued', from: ['approved'], by: ['agency'] },
  'dossier.completed': { to: 'completed', from: ['result_issued'], by: ['agency', 'citizen', 'system'] },
  // The citizen withdraws before a decision; the system withdraws the later dossiers of an
  // interlinked bundle whose earlier step was refused or withdrawn (they can never start).
  'dossier.withdrawn': { to: 'withdrawn', from: OPEN, by: ['citizen', 'system'] },
  // The issuing agency revokes or replaces the electronic result it issued: recorded, the dossier stays.
  'result.revoked': { to: 'unchanged', from: ['result_issued', 'completed'], by: ['agency'] },
  'result.replaced': { to: 'unchanged', from: ['result_issued', 'completed'], by: ['agency'] },
};

/** Progress order, used only to tell a late (stale) event from an illegal one. */
const RANK: Record<DossierStatus, number> = {
  submitted: 0,
  received: 1,
  in_progress: 2,
  supplement_requested: 3,
  supplemented: 4,
  approved: 5,
  rejected: 5,
  result_issued: 6,
  completed: 7,
  withdrawn: 8,
};

export const FINAL_STATES: ReadonlySet<DossierStatus> = new Set(['rejected', 'completed', 'withdrawn']);

export type Decision =
  | { kind: 'apply'; to: DossierStatus }
  | { kind: 'stale' }
  | { kind: 'illegal'; reason: 'state' | 'actor' };

export function decide(current: DossierStatus, step: DossierStep, actor: Actor): Decision {
  const rule = STEPS[step];
  if (!rule.by.includes(actor)) return { kind: 'illegal', reason: 'actor' };
  if (rule.from.includes(current)) return { kind: 'apply', to: rule.to === 'unchanged' ? current : rule.to };
  if (rule.to === 'unchanged') return { kind: 'illegal', reason: 'state' };
  if (current === rule.to) return { kind: 'stale' };
  // A late event for a step already passed is acknowledged; anything else would skip or undo steps.
  // A decision that ends the dossier is never "late": contradicting an earlier outcome is illegal.
  if (!FINAL_STATES.has(rule.to) && RANK[rule.to] < RANK[current] && !FINAL_STATES.has(current)) {
    return { kind: 'stale' };
  }
  return { kind: 'illegal', reason: 'state' };
}
