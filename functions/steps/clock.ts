/**
 * The step under way, kept on the dossier record so the SLA index (fed by the table stream) can hold
 * its deadline: the watcher reminds the agency when three quarters of the step's budget are spent and
 * flags the step once its due time passes. Reception is not here: the acknowledgement deadline already
 * watches it.
 */
import type { DossierStatus } from '../../schemas/dossier.js';
import type { DossierRecord } from '../core/dossier.js';
import type { TimelineEvent } from '../core/timeline.js';
import { addWorkingHours } from '../core/working-days.js';
import { type ComputedStep, computeSteps } from './progress.js';

export interface StepClock {
  stepId: string;
  startedAt: string;
  dueAt: string;
  /** When the agency is reminded (never after the due time). */
  remindAt: string;
}

/** Share of a step's budget after which the agency is reminded. */
export const REMIND_AT_SHARE = 0.75;
const HOURS_PER_DAY = 8;

export function remindAtOf(s: Pick<ComputedStep, 'startedAt' | 'dueAt' | 'step'>): string | undefined {
  if (!s.startedAt || !s.dueAt) return undefined;
  const budgetHours =
    s.step.budget.unit === 'working_hours' ? s.step.budget.amount : s.step.budget.amount * HOURS_PER_DAY;
  const at = addWorkingHours(new Date(s.startedAt), budgetHours * REMIND_AT_SHARE);
  return new Date(Math.min(at.getTime(), Date.parse(s.dueAt))).toISOString();
}

/** The running step after a change (the dossier as it will be), or null when none is running. */
export function stepClockOf(
  dossier: DossierRecord,
  status: DossierStatus,
  dueAt: string | undefined,
  timeline: readonly TimelineEvent[],
  now: Date,
): StepClock | null {
  const steps = computeSteps({ ...dossier, status, dueAt: dueAt ?? dossier.dueAt }, timeline, now);
  const running = steps.find((s) => s.startedAt && !s.finishedAt);
  if (!running || running.step.id === 'reception' || !running.dueAt || !running.startedAt) return null;
  if (status === 'supplement_requested') return null;
  return {
    stepId: running.step.id,
    startedAt: running.startedAt,
    dueAt: running.dueAt,
    remindAt: remindAtOf(running) ?? running.dueAt,
  };
}
