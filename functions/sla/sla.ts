/**
 * Processing deadlines and their breaches. An online dossier must be acknowledged within 8 working
 * hours (Decree 45/2020) and resolved by its due date. Open deadlines sit in a small sparse index kept
 * from the table stream; the watcher reads only the deadlines already past, confirms each against the
 * dossier itself, and tells the agency and its parent once per breach (a flag item written with
 * attribute_not_exists). Overdue stays computed at read time everywhere else; the flag only records
 * that a breach was notified.
 */
import type { NotificationMessage } from '../../schemas/notification.js';
import { type DossierRecord, isOverdue } from '../core/dossier.js';
import { FINAL_STATES } from '../core/dossier-state.js';
import { type DrainBudget, drainLanes, type LanePage, unbounded } from '../core/drain.js';
import { logger } from '../core/logger.js';
import { countEvent } from '../core/metrics.js';
import { SLA } from '../core/resources.js';
import { addWorkingHours, type CalendarAdjustments } from '../core/working-days.js';
import { type BreachKind, renderBreachNotice } from '../notices/templates.js';
import { planOf } from '../steps/plan.js';

export type { BreachKind };

export type SlaDossier = Pick<
  DossierRecord,
  | 'code'
  | 'agencyId'
  | 'agencyName'
  | 'procedureName'
  | 'status'
  | 'submittedAt'
  | 'updatedAt'
  | 'dueAt'
  | 'version'
  | 'payment'
> &
  Partial<Pick<DossierRecord, 'stepClock' | 'procedureCode' | 'procedureVersion'>>;

/** Stages in which the agency no longer owes the citizen a decision. */
const SETTLED = new Set<string>([...FINAL_STATES, 'approved', 'result_issued']);

/**
 * When the acknowledgement clock starts: at submission, or — for a fee paid online — once the fee is
 * paid, because only then does the dossier go to the agency. Undefined once it was acknowledged.
 */
export function ackClockStart(d: SlaDossier): string | undefined {
  if (d.status !== 'submitted') return undefined;
  if (!d.payment) return d.submittedAt;
  return d.payment.status === 'succeeded' ? d.updatedAt : undefined;
}

/** The deadlines a dossier still has to meet, as the index keeps them. */
export function openDeadlines(
  d: SlaDossier,
  cal: CalendarAdjustments = {},
): Partial<Record<BreachKind, string>> {
  const out: Partial<Record<BreachKind, string>> = {};
  const start = ackClockStart(d);
  if (start) out.ack = addWorkingHours(new Date(start), SLA.ackWorkingHours, cal).toISOString();
  if (!SETTLED.has(d.status)) out.due = d.dueAt;
  // The step under way (functions/steps/clock.ts): a reminder before its due time, a flag after.
  if (!SETTLED.has(d.status) && d.status !== 'supplement_requested' && d.stepClock) {
    out.step = d.stepClock.dueAt;
    if (d.stepClock.remindAt < d.stepClock.dueAt) out.remind = d.stepClock.remindAt;
  }
  return out;
}

/**
 * The deadline a dossier has breached for one kind, judged on the dossier as it is now (the index may
 * lag a change): the acknowledgement deadline the index recorded while it is still unacknowledged, or
 * the current due date once it is overdue.
 */
export function breachOf(kind: BreachKind, d: SlaDossier, indexed: string, now: Date): string | undefined {
  if (kind === 'ack') {
    return ackClockStart(d) && Date.parse(indexed) < now.getTime() ? indexed : undefined;
  }
  if (kind === 'step' || kind === 'remind') {
    // Only the same step still running, at the deadline the index holds (a later callback moved it on).
    const open = openDeadlines(d);
    const current = open[kind];
    // A reminder found only after the step itself lapsed would say less than the lapse notice does.
    const lapsed = kind === 'remind' && open.step !== undefined && Date.parse(open.step) < now.getTime();
    return current === indexed && Date.parse(indexed) < now.getTime() && !lapsed ? indexed : undefined;
  }
  return isOverdue(d, now) ? d.dueAt : undefined;
}

/** Keeps the index in step with one new image of a dossier item (called from the table stream). */
export interface SlaIndexPorts {
  /**
   * The deadlines the index holds for a dossier now, by kind (read consistently). Without it every
   * image writes each kind; the writes stay conditional either way, so the read only saves writes.
   */
  held?(code: string): Promise<Partial<Record<BreachKind, string>>>;
  putAck(d: SlaDossier, deadline: string): Promise<void>;
  putDue(d: SlaDossier, deadline: string): Promise<void>;
  /** The running step's due time and reminder: moved like the due date, by newer images only. */
  putStep?(d: SlaDossier, kind: 'step' | 'remind', deadline: string): Promise<void>;
  remove(code: string, kind: BreachKind, version: number): Promise<void>;
}

export async function syncSlaIndex(ports: SlaIndexPorts, d: SlaDossier): Promise<void> {
  const open = openDeadlines(d);
  // What the index holds now, read first: most images leave every deadline where it was, and a write
  // that changes nothing still costs a write unit, refused or not (a read costs a fifth of one).
  const held = ports.held ? await ports.held(d.code) : undefined;
  const changes = (kind: BreachKind) => {
    if (!held) return true;
    const deadline = open[kind];
    if (deadline === undefined) return held[kind] !== undefined;
    // The acknowledgement deadline is fixed once written; the others move with newer images.
    return kind === 'ack' ? held.ack === undefined : held[kind] !== deadline;
  };
  const sync = (kind: BreachKind, put: (deadline: string) => Promise<void>) => {
    if (!changes(kind)) return undefined;
    const deadline = open[kind];
    return deadline ? put(deadline) : ports.remove(d.code, kind, d.version);
  };
  const stepKinds = ports.putStep
    ? (['step', 'remind'] as const).map((kind) => sync(kind, (at) => ports.putStep!(d, kind, at)))
    : [];
  await Promise.all([
    sync('ack', (at) => ports.putAck(d, at)),
    sync('due', (at) => ports.putDue(d, at)),
    ...stepKinds,
  ]);
}

export interface LapsedEntry {
  code: string;
  kind: BreachKind;
  deadline: string;
  /** The index sort key as read: clearing is conditional on it, so a newer deadline is never lost. */
  indexKey: string;
}

/** Where the next page of a shard's lapsed entries starts (the index's last evaluated key). */
export type LapsedCursor = Readonly<Record<string, string>>;

/** One page of a shard's lapsed entries, oldest first, and where the next starts (none: the shard is read). */
export type LapsedPage = LanePage<LapsedEntry, LapsedCursor>;

export interface AgencyRef {
  id: string;
  name: string;
  parentId: string | null;
}

export interface SlaWatchPorts {
  /** Shards of each kind's deadline partition: a run works through kinds × shards. */
  shards: number;
  /** One page of a shard's entries of a kind lapsed before `before`, after `after` (the previous page's `next`). */
  listLapsed(kind: BreachKind, shard: number, before: string, after?: LapsedCursor): Promise<LapsedPage>;
  loadDossier(code: string): Promise<SlaDossier | undefined>;
  /** True when this call recorded the breach; false when it was recorded before. */
  flag(code: string, kind: BreachKind, deadline: string, at: string): Promise<boolean>;
  unflag(code: string, kind: BreachKind, deadline: string): Promise<void>;
  enqueue(messages: NotificationMessage[]): Promise<void>;
  /** Takes a handled entry out of the index unless it changed since it was read. */
  clear(entry: LapsedEntry): Promise<void>;
  agency(id: string): AgencyRef | undefined;
  /** Counts a lapsed due date in the agency's "overdue now" (idempotent; throws if the dossier moved on). */
  markOverdue?(d: SlaDossier, at: string): Promise<unknown>;
}

export interface SlaReport {
  at: string;
  checked: number;
  notified: Record<BreachKind, number>;
  alreadyNotified: number;
  /** Entries no longer breached (acknowledged, extended, settled) taken out of the index. */
  cleared: number;
  errors: { code: string; kind: BreachKind; error: string }[];
  /** Shards left with lapsed entries when the run's time ran out: the next run goes on with them. */
  unfinished: number;
  /** The share of the shards this run watched (none: every shard). */
  part?: SlaWatchPart;
}

/** One of the runs a schedule starts at once: the shards whose number mod `of` is `index`. */
export interface SlaWatchPart {
  index: number;
  of: number;
}

/** The lanes (a deadline kind's shard) a run works through: every kind's shards in its part. */
export function watchLanes(shards: number, part?: SlaWatchPart): { kind: BreachKind; shard: number }[] {
  return (['ack', 'due', 'step', 'remind'] as const).flatMap((kind) =>
    Array.from({ length: shards }, (_, shard) => ({ kind, shard })).filter(
      ({ shard }) => !part || shard % part.of === part.index,
    ),
  );
}

/** Notices to the responsible agency and its parent (escalation), one record each. */
export function breachNotices(
  kind: BreachKind,
  d: SlaDossier,
  deadline: string,
  agency: (id: string) => AgencyRef | undefined,
  at: string,
): NotificationMessage[] {
  const own = agency(d.agencyId);
  const recipients: { id: string; as: 'agency' | 'parent' }[] = [{ id: d.agencyId, as: 'agency' }];
  // A step's reminder and lapse go to the agency itself; its parent hears of the dossier's deadlines.
  if (own?.parentId && (kind === 'ack' || kind === 'due'))
    recipients.push({ id: own.parentId, as: 'parent' });
  const stepName =
    (kind === 'step' || kind === 'remind') && d.stepClock && d.procedureCode
      ? planOf({
          procedureCode: d.procedureCode,
          procedureVersion: d.procedureVersion ?? 1,
          submittedAt: d.submittedAt,
          dueAt: d.dueAt,
        }).steps.find((s) => s.id === d.stepClock?.stepId)?.name
      : undefined;
  return recipients.map(({ id, as }) => {
    const notice = renderBreachNotice(kind, d, deadline, as, stepName);
    return {
      id: `sla:${d.code}:${kind}:${deadline}:${id}`,
      audience: 'agency',
      channel: 'agency',
      to: id,
      dossierCode: d.code,
      topic: `sla.${kind}`,
      subject: notice.subject,
      text: notice.text,
      createdAt: at,
    };
  });
}

/**
 * One run of the watcher, over every shard or over its part of them. At a national peak hundreds of
 * thousands of deadlines can lapse together, so the shards are drained side by side (functions/core/
 * drain.ts) until every lapsed entry is handled or the run's time is nearly spent; what is left stays
 * indexed for the next run.
 */
export async function watchSla(
  ports: SlaWatchPorts,
  now: Date,
  budget: Partial<DrainBudget> = {},
  part?: SlaWatchPart,
): Promise<SlaReport> {
  const at = now.toISOString();
  const report: SlaReport = {
    at,
    checked: 0,
    notified: { ack: 0, due: 0, step: 0, remind: 0 },
    alreadyNotified: 0,
    cleared: 0,
    errors: [],
    unfinished: 0,
    ...(part ? { part } : {}),
  };
  report.unfinished = await drainLanes({
    lanes: watchLanes(ports.shards, part),
    read: ({ kind, shard }, after?: LapsedCursor) => ports.listLapsed(kind, shard, at, after),
    handle: (entry) => handleLapsed(ports, entry, now, report),
    budget: { ...unbounded(SLA.watchConcurrency), ...budget },
  });
  if (report.unfinished) {
    logger.warn('SLA watch ran out of time', { unfinishedShards: report.unfinished });
    countEvent('SlaWatchUnfinished', {}, report.unfinished);
  }
  logger.info('SLA watched', { ...report, errors: report.errors.length });
  return report;
}

/** Confirms one lapsed entry against its dossier, notifies once, and takes it out of the index. */
async function handleLapsed(ports: SlaWatchPorts, entry: LapsedEntry, now: Date, report: SlaReport) {
  const { kind } = entry;
  const at = now.toISOString();
  report.checked++;
  try {
    const dossier = await ports.loadDossier(entry.code);
    const deadline = dossier && breachOf(kind, dossier, entry.deadline, now);
    if (!dossier || !deadline) {
      await ports.clear(entry);
      report.cleared++;
      return;
    }
    // Counted before the flag, so a failed count leaves the entry for the next run to count.
    if (kind === 'due' && ports.markOverdue) await ports.markOverdue(dossier, at);
    if (!(await ports.flag(entry.code, kind, deadline, at))) {
      report.alreadyNotified++;
      await ports.clear(entry);
      return;
    }
    try {
      await ports.enqueue(breachNotices(kind, dossier, deadline, ports.agency, at));
    } catch (err) {
      // Not notified after all: the next run tries again.
      await ports.unflag(entry.code, kind, deadline);
      throw err;
    }
    report.notified[kind]++;
    countEvent(kind === 'ack' ? 'AcknowledgedLate' : 'Overdue');
    logger.warn('dossier deadline breached', {
      dossierCode: dossier.code,
      agencyId: dossier.agencyId,
      breach: kind,
      deadline,
    });
    await ports.clear(entry);
  } catch (err) {
    report.errors.push({ code: entry.code, kind, error: (err as Error).message });
  }
}
