/**
 * Published performance per agency per month (Decision 766/QĐ-TTg's service index, in part): what one
 * timeline event or rating adds to the counters, and how the counters read as rates. The live stream
 * consumer and `npm run stats:rebuild` both count through `contributionOf`, so they cannot disagree.
 */
import type { AgencyMonthStats } from '../../schemas/feedback.js';
import { procedureRecord, procedureRecordVersion } from '../catalog/lookup.js';
import type { DossierRecord } from '../core/dossier.js';
import { AppError } from '../core/errors.js';
import type { TimelineEvent } from '../core/timeline.js';
import { localDate, workingDaysBetween } from '../core/working-days.js';
import { findAgency } from '../registry/agencies.js';
import { computeSteps } from '../steps/progress.js';

export const COUNTERS = [
  'received',
  'completed',
  'completedOnTime',
  'processingDays',
  'ratings',
  'satisfied',
  'petitionsAnswered',
  'petitionsAnsweredOnTime',
  'documentsAskedTwice',
  // For the service index (functions/stats/service-index.ts): kept like the others, rebuilt like them.
  'acknowledged',
  'acknowledgedOnTime',
  'receivedFullyOnline',
  'receivedPartlyOnline',
  'documentsReused',
  'resultsIssued',
  'resultsElectronic',
  'feesCharged',
  'feesPaidOnline',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counts = Record<Counter, number>;

/** Each dossier (or petition) counts at most once per kind: that is what the idempotency marker records. */
export type ContributionKind =
  | 'received'
  | 'completed'
  | 'rating'
  | 'petitionAnswered'
  /** How a submission was filed (online fully or partly, scans reused, a fee due). */
  | 'filed'
  /** The agency's first act on the dossier, within the 8 working hours of the reception step or not. */
  | 'acknowledged'
  /** The fee paid online. */
  | 'paid';

export interface Contribution {
  code: string;
  kind: ContributionKind;
  agencyId: string;
  month: string;
  add: Partial<Counts>;
}

/** The Vietnamese calendar month of an instant. */
export const monthOf = (at: string) => localDate(new Date(at)).slice(0, 7);

/** The agency's outcome: a result issued, or a refusal. Citizens' later confirmation is not the agency's work. */
const OUTCOMES: ReadonlySet<string> = new Set(['dossier.result_issued', 'dossier.rejected']);

/** Whether a timeline step counts at all (most steps do not, and need no dossier read). */
export const isCountedStep = (type: string) =>
  type === 'dossier.submitted' || type === 'payment.succeeded' || OUTCOMES.has(type);

export const SATISFIED_FROM = 4;

export type CountedDossier = Pick<DossierRecord, 'code' | 'agencyId' | 'submittedAt' | 'dueAt'> &
  Partial<
    Pick<
      DossierRecord,
      | 'documentsAskedTwice'
      | 'procedureCode'
      | 'procedureVersion'
      | 'filedBy'
      | 'attachments'
      | 'payment'
      | 'bundle'
      | 'result'
      | 'status'
    >
  >;
export type CountedEvent = Pick<TimelineEvent, 'type' | 'at'>;
export interface CountedRating {
  dossierCode: string;
  agencyId: string;
  overall: number;
  ratedAt: string;
}

export function contributionOf(
  source: { dossier: CountedDossier; event: CountedEvent } | { rating: CountedRating },
): Contribution | undefined {
  if ('rating' in source) {
    const r = source.rating;
    return {
      code: r.dossierCode,
      kind: 'rating',
      agencyId: r.agencyId,
      month: monthOf(r.ratedAt),
      add: { ratings: 1, satisfied: r.overall >= SATISFIED_FROM ? 1 : 0 },
    };
  }
  const { dossier, event } = source;
  if (event.type === 'dossier.submitted') {
    return {
      code: dossier.code,
      kind: 'received',
      agencyId: dossier.agencyId,
      month: monthOf(event.at),
      add: {
        received: 1,
        ...(dossier.documentsAskedTwice ? { documentsAskedTwice: dossier.documentsAskedTwice } : {}),
      },
    };
  }
  if (OUTCOMES.has(event.type)) {
    // The due date no longer moves once the agency has decided, so reading it later is exact.
    const onTime = Date.parse(event.at) <= Date.parse(dossier.dueAt);
    // A result's kind never changes afterwards (a replacement is electronic, as the result it replaces).
    const issued =
      event.type === 'dossier.result_issued'
        ? { resultsIssued: 1, resultsElectronic: dossier.result?.kind === 'electronic' ? 1 : 0 }
        : {};
    return {
      code: dossier.code,
      kind: 'completed',
      agencyId: dossier.agencyId,
      month: monthOf(event.at),
      add: {
        completed: 1,
        completedOnTime: onTime ? 1 : 0,
        processingDays: workingDaysBetween(new Date(dossier.submittedAt), new Date(event.at)),
        ...issued,
      },
    };
  }
  if (event.type === 'payment.succeeded')
    return {
      code: dossier.code,
      kind: 'paid',
      agencyId: dossier.agencyId,
      month: monthOf(event.at),
      add: { feesPaidOnline: 1 },
    };
  return undefined;
}

const procedureOf = (d: CountedDossier) =>
  d.procedureCode
    ? ((d.procedureVersion !== undefined
        ? procedureRecordVersion(d.procedureCode, d.procedureVersion)
        : undefined) ?? procedureRecord(d.procedureCode))
    : undefined;

/**
 * How a submission was filed, counted in its month beside `received`: online by the citizen (fully
 * online for a procedure the catalog publishes as `toan_trinh`, partly otherwise) or at a one-stop
 * desk; scans reused from earlier dossiers or held results; whether a fee was due (paid online before
 * dispatch, or — for a procedure paid at the desk — a catalog fee above zero).
 */
export function filingContribution(dossier: CountedDossier, event: CountedEvent): Contribution | undefined {
  if (event.type !== 'dossier.submitted') return undefined;
  const procedure = procedureOf(dossier);
  const add: Partial<Counts> = {};
  if (!dossier.filedBy && procedure) {
    if (procedure.level === 'toan_trinh') add.receivedFullyOnline = 1;
    else add.receivedPartlyOnline = 1;
  }
  // Filed with the submission only: supplements come later, and the rebuild would see them too early.
  const reused = (dossier.attachments ?? []).filter((a) => a.reusedFrom && !a.supplement).length;
  if (reused) add.documentsReused = reused;
  if (dossier.payment || (procedure?.fee ?? 0) > 0) add.feesCharged = 1;
  if (!Object.keys(add).length) return undefined;
  return { code: dossier.code, kind: 'filed', agencyId: dossier.agencyId, month: monthOf(event.at), add };
}

/** Agency steps that may be its first act on a dossier, ending the reception step. */
const ACTS: ReadonlySet<string> = new Set([
  'dossier.received',
  'dossier.in_progress',
  'dossier.step_started',
  'dossier.step_completed',
  'dossier.approved',
  'dossier.supplement_requested',
  'dossier.rejected',
  'dossier.result_issued',
]);

/** Whether a timeline step may be the agency's acknowledgement (the relay reads the timeline only then). */
export const mayAcknowledge = (e: Pick<TimelineEvent, 'type' | 'actor'>) =>
  e.actor === 'agency' && ACTS.has(e.type);

/**
 * The acknowledgement: the agency's first act on the dossier, on time when within the reception step's
 * 8 working hours from when the dossier reached it (steps/progress.ts, as the citizen sees it). Judged on
 * the timeline up to that act only, so later events (and when they are counted) change nothing.
 */
export function acknowledgementOf(
  dossier: CountedDossier,
  timeline: readonly TimelineEvent[],
): Contribution | undefined {
  const first = timeline.findIndex(mayAcknowledge);
  if (first < 0) return undefined;
  const act = timeline[first]!;
  const prefix = timeline.slice(0, first + 1);
  const steps = computeSteps(
    {
      procedureCode: dossier.procedureCode ?? '',
      procedureVersion: dossier.procedureVersion ?? 0,
      submittedAt: dossier.submittedAt,
      dueAt: dossier.dueAt,
      // Neither ended nor paused: only the reception step is read, and it is finished in the prefix.
      status: 'received',
      payment: dossier.payment,
      bundle: dossier.bundle,
    },
    prefix,
    new Date(act.at),
  );
  const reception = steps[0];
  if (!reception?.finishedAt) return undefined;
  return {
    code: dossier.code,
    kind: 'acknowledged',
    agencyId: dossier.agencyId,
    month: monthOf(act.at),
    add: { acknowledged: 1, acknowledgedOnTime: reception.state === 'on_time' ? 1 : 0 },
  };
}

export const statsKey = (agencyId: string, month: string) => `${agencyId}#${month}`;

export const zeroCounts = (): Counts => ({
  received: 0,
  completed: 0,
  completedOnTime: 0,
  processingDays: 0,
  ratings: 0,
  satisfied: 0,
  petitionsAnswered: 0,
  petitionsAnsweredOnTime: 0,
  documentsAskedTwice: 0,
  acknowledged: 0,
  acknowledgedOnTime: 0,
  receivedFullyOnline: 0,
  receivedPartlyOnline: 0,
  documentsReused: 0,
  resultsIssued: 0,
  resultsElectronic: 0,
  feesCharged: 0,
  feesPaidOnline: 0,
});

/** Sums contributions per agency and month, each (dossier, kind) once, as the markers ensure live. */
export function tally(contributions: Iterable<Contribution>): Map<string, Counts> {
  const seen = new Set<string>();
  const out = new Map<string, Counts>();
  for (const c of contributions) {
    const id = `${c.code}#${c.kind}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const key = statsKey(c.agencyId, c.month);
    const counts = out.get(key) ?? zeroCounts();
    for (const [k, v] of Object.entries(c.add) as [Counter, number][]) counts[k] += v;
    out.set(key, counts);
  }
  return out;
}

export function addCounts(a: Counts, b: Counts): Counts {
  const out = zeroCounts();
  for (const k of COUNTERS) out[k] = a[k] + b[k];
  return out;
}

const percent = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 10 : null);

export function toMonthStats(agencyId: string, month: string, c: Counts): AgencyMonthStats {
  const agency = findAgency(agencyId);
  return {
    agencyId,
    agencyName: agency?.name ?? agencyId,
    provinceCode: agency?.provinceCode ?? null,
    level: agency?.level ?? 'public_body',
    month,
    received: c.received,
    completed: c.completed,
    completedOnTime: c.completedOnTime,
    onTimeRate: percent(c.completedOnTime, c.completed),
    averageProcessingDays: c.completed ? Math.round((c.processingDays / c.completed) * 10) / 10 : null,
    ratings: c.ratings,
    satisfactionRate: percent(c.satisfied, c.ratings),
    petitionsAnswered: c.petitionsAnswered,
    petitionsAnsweredOnTime: c.petitionsAnsweredOnTime,
    petitionsOnTimeRate: percent(c.petitionsAnsweredOnTime, c.petitionsAnswered),
    documentsAskedTwice: c.documentsAskedTwice,
  };
}

/**
 * Best first by on-time rate, then by volume completed (a perfect record over many dossiers outranks
 * one over a few), then by code for a stable order; agencies that completed nothing are unranked, last.
 */
export function rankAgencies<T extends AgencyMonthStats>(
  items: readonly T[],
  order: 'best' | 'worst',
): (T & { rank: number | null })[] {
  const ranked = items
    .filter((x) => x.onTimeRate !== null)
    .sort(
      (a, b) =>
        (b.onTimeRate ?? 0) - (a.onTimeRate ?? 0) ||
        b.completed - a.completed ||
        a.agencyId.localeCompare(b.agencyId),
    )
    .map((x, i) => ({ ...x, rank: i + 1 }));
  if (order === 'worst') ranked.reverse();
  const unranked = items
    .filter((x) => x.onTimeRate === null)
    .sort((a, b) => a.agencyId.localeCompare(b.agencyId))
    .map((x) => ({ ...x, rank: null }));
  return [...ranked, ...unranked];
}

/**
 * The months a series covers. With neither end given: the twelve months ending with the month under
 * way; with one end given, the other is the month under way (or the twelve months up to `to`). A range
 * backwards or longer than `maxMonths` is the caller's mistake.
 */
export function seriesRange(
  q: { from?: string; to?: string },
  now: Date,
  maxMonths: number,
): { from: string; to: string; months: string[] } {
  const current = monthOf(now.toISOString());
  const to = q.to ?? (q.from && q.from > current ? q.from : current);
  const from = q.from ?? monthRange(`${Number(to.slice(0, 4)) - 1}-${to.slice(5, 7)}`, to)[1]!;
  const months = monthRange(from, to);
  if (!months.length || months.length > maxMonths)
    throw new AppError('VALIDATION_FAILED', [
      {
        path: 'query.from',
        code: 'invalid_range',
        message: `from must not be after to, at most ${maxMonths} months`,
      },
    ]);
  return { from, to, months };
}

/** Months from..to inclusive, YYYY-MM. */
export function monthRange(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > to) return out;
    out.push(month);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
}
