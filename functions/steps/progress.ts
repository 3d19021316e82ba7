/**
 * Where each step of a dossier stands, read from its timeline alone (so the same answer can be rebuilt
 * at any time). A step's clock starts when the step before it finished (the first: when the dossier
 * reached the agency), so idle time between steps counts against the next one. The agency's events
 * name the step they start or finish; a later step starting, the receipt, the result or a refusal
 * finish what was left open. A request to supplement stops the running step's clock for the working
 * days the citizen took; an apology with a new date (form 04) sets that step's due time.
 */
import type { StepView } from '../../schemas/steps.js';
import { type DossierRecord, isDispatched } from '../core/dossier.js';
import type { TimelineEvent } from '../core/timeline.js';
import { addWorkingDays, workingDaysBetween } from '../core/working-days.js';
import { addBudget, type PlannedStep, planOf } from './plan.js';

export interface Officer {
  id: string;
  displayName: string;
}

export interface StepProgress {
  step: PlannedStep;
  startedAt: string | null;
  finishedAt: string | null;
  /** Who finished it, else who started it. */
  officer?: Officer;
  pausedWorkingDays: number;
  apology?: { at: string; reason: string; newDueAt: string };
}

export interface ComputedStep extends StepProgress {
  dueAt: string | null;
  state: 'on_time' | 'late';
  lateByWorkingDays: number;
  apologyRequired: boolean;
}

/** Events that mean the dossier reached its agency (the acknowledgement clock starts). */
const CLOCK_STARTS = new Set(['dossier.submitted', 'payment.succeeded', 'dossier.handed_over']);
/** Outcomes that close every step still open. */
const CLOSING = new Set([
  'dossier.result_issued',
  'dossier.rejected',
  'dossier.completed',
  'dossier.withdrawn',
]);
const ENDED = new Set(['rejected', 'withdrawn']);

const norm = (s: string) => s.normalize('NFC').trim().toLowerCase();

/** The plan step an event names, by id or by its published name; -1 when it names none of them. */
export function stepIndex(plan: readonly PlannedStep[], ref: unknown): number {
  if (typeof ref !== 'string' || !ref) return -1;
  const byId = plan.findIndex((s) => s.id === ref);
  return byId >= 0 ? byId : plan.findIndex((s) => norm(s.name) === norm(ref));
}

export function officerOf(e: TimelineEvent): Officer | undefined {
  const o = e.details?.officer as Partial<Officer> | undefined;
  return o && typeof o.id === 'string' && typeof o.displayName === 'string'
    ? { id: o.id, displayName: o.displayName }
    : undefined;
}

/** Replays the timeline over the plan. */
export function progressOf(
  plan: readonly PlannedStep[],
  timeline: readonly TimelineEvent[],
): { clockStart: string | undefined; steps: StepProgress[] } {
  const steps: StepProgress[] = plan.map((step) => ({
    step,
    startedAt: null,
    finishedAt: null,
    pausedWorkingDays: 0,
  }));
  let clockStart: string | undefined;
  // The first step not finished yet.
  const current = () => steps.findIndex((s) => !s.finishedAt);
  const start = (i: number, at: string, officer?: Officer) => {
    const s = steps[i]!;
    if (s.startedAt) return;
    s.startedAt = i === 0 ? (clockStart ?? at) : (steps[i - 1]!.finishedAt ?? at);
    if (officer) s.officer = officer;
  };
  const finish = (i: number, at: string, officer?: Officer) => {
    const s = steps[i]!;
    if (s.finishedAt) return;
    start(i, at);
    s.finishedAt = at;
    if (officer) s.officer = officer;
  };
  /** Everything before step `i` is finished when step `i` moves. */
  const finishBefore = (i: number, at: string) => {
    for (let k = 0; k < i; k++) finish(k, at);
  };
  for (const e of timeline) {
    if (CLOCK_STARTS.has(e.type)) {
      clockStart = e.at;
      continue;
    }
    if (e.actor !== 'agency' && e.type !== 'dossier.supplemented' && !CLOSING.has(e.type)) continue;
    const officer = officerOf(e);
    const named = stepIndex(plan, e.details?.step);
    switch (e.type) {
      case 'dossier.received':
        finish(0, e.at, officer);
        break;
      case 'dossier.step_started':
      case 'dossier.in_progress': {
        const i = named >= 0 ? named : Math.max(1, current());
        if (i < 0 || i >= steps.length) break;
        finishBefore(i, e.at);
        start(i, e.at, officer);
        break;
      }
      case 'dossier.step_completed': {
        const i = named >= 0 ? named : current();
        if (i < 0) break;
        finishBefore(i, e.at);
        finish(i, e.at, officer);
        break;
      }
      case 'dossier.extended': {
        const i = named >= 0 ? named : current();
        const s = steps[i];
        const newDueAt = typeof e.details?.newDueAt === 'string' ? e.details.newDueAt : e.dueAt;
        if (s && newDueAt)
          s.apology = { at: e.at, reason: String(e.details?.reason ?? e.note ?? ''), newDueAt };
        break;
      }
      case 'dossier.supplemented': {
        const waited = Number(e.details?.waitedWorkingDays ?? 0);
        const s = steps[current()];
        if (s && waited > 0) s.pausedWorkingDays += waited;
        break;
      }
      case 'dossier.approved':
      case 'dossier.supplement_requested':
        // Acting on the dossier means it was received; the step under way stays open.
        finish(0, e.at, named === 0 ? officer : undefined);
        if (named > 0) {
          finishBefore(named, e.at);
          start(named, e.at, officer);
        }
        break;
      default:
        if (CLOSING.has(e.type)) {
          // A refusal or withdrawal ends the step under way; a result ends them all.
          const last =
            e.type === 'dossier.rejected' || e.type === 'dossier.withdrawn'
              ? Math.max(current(), 0)
              : steps.length - 1;
          for (let k = 0; k <= last && k < steps.length; k++)
            finish(k, e.at, k === last ? officer : undefined);
        }
    }
  }
  return { clockStart, steps };
}

/** Working days begun past `due` at `at` (a step finished an hour late is one day late). */
export function lateBy(due: Date, at: Date): number {
  return at > due ? Math.max(1, workingDaysBetween(due, at)) : 0;
}

/** Each step with its due time and whether it ran (or is running) late, as of `now`. */
export function computeSteps(
  d: Pick<
    DossierRecord,
    'procedureCode' | 'procedureVersion' | 'submittedAt' | 'dueAt' | 'status' | 'payment' | 'bundle'
  >,
  timeline: readonly TimelineEvent[],
  now: Date,
): ComputedStep[] {
  const { steps: plan } = planOf(d);
  const { clockStart, steps } = progressOf(plan, timeline);
  // Until the dossier reaches its agency (fee unpaid, earlier step of a bundle), no clock runs.
  const started = isDispatched(d) ? clockStart : undefined;
  // The agency holds the dossier: the first step not finished runs from when the one before finished.
  const running = steps.findIndex((s) => !s.finishedAt);
  const open = running >= 0 && started && !ENDED.has(d.status);
  if (open && !steps[running]!.startedAt)
    steps[running]!.startedAt = running === 0 ? started : (steps[running - 1]!.finishedAt ?? null);
  // While the citizen supplements, the running step's clock is stopped at the request.
  const pausedAt =
    d.status === 'supplement_requested'
      ? timeline.findLast((e) => e.type === 'dossier.supplement_requested')?.at
      : undefined;
  const out: ComputedStep[] = [];
  let previousEnd: Date | null = started ? new Date(started) : null;
  for (const s of steps) {
    let dueAt: Date | null = null;
    // Not reached yet: projected from when the step before is due, or from now if that has passed.
    const from = previousEnd;
    if (from && !(ENDED.has(d.status) && !s.startedAt)) {
      dueAt = addBudget(from, s.step.budget);
      if (s.pausedWorkingDays > 0) dueAt = addWorkingDays(dueAt, s.pausedWorkingDays);
      if (s.apology && Date.parse(s.apology.newDueAt) > dueAt.getTime()) dueAt = new Date(s.apology.newDueAt);
    }
    const end = s.finishedAt
      ? new Date(s.finishedAt)
      : s.startedAt
        ? new Date(Math.min(now.getTime(), pausedAt ? Date.parse(pausedAt) : now.getTime()))
        : null;
    const late = dueAt && end ? lateBy(dueAt, end) : 0;
    out.push({
      ...s,
      dueAt: dueAt?.toISOString() ?? null,
      state: late > 0 ? 'late' : 'on_time',
      lateByWorkingDays: late,
      apologyRequired: late > 0 && !s.apology,
    });
    previousEnd = s.finishedAt
      ? new Date(s.finishedAt)
      : dueAt && dueAt.getTime() > now.getTime()
        ? dueAt
        : dueAt
          ? now
          : null;
  }
  return out;
}

/** The steps as the owner (with officer names and apology reasons) or the public (without) sees them. */
export function stepViews(steps: readonly ComputedStep[], withOfficers: boolean): StepView[] {
  return steps.map((s) => ({
    id: s.step.id,
    name: s.step.name,
    nameEn: s.step.nameEn,
    budget: s.step.budget,
    dueAt: s.dueAt,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    state: s.state,
    lateByWorkingDays: s.lateByWorkingDays,
    // The agency's reason is for the owner, like the timeline's notes; the public sees when and until when.
    ...(s.apology
      ? { apology: withOfficers ? s.apology : { at: s.apology.at, newDueAt: s.apology.newDueAt } }
      : {}),
    apologyRequired: s.apologyRequired,
    ...(withOfficers && s.officer ? { officer: s.officer.displayName } : {}),
  }));
}
