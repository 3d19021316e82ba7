/**
 * An agency's figures per officer and per step, computed from its dossiers' timelines and its ratings —
 * nothing is counted on the side, so the figures are the same however often they are asked for and
 * rebuild themselves from what the table holds. A step counts in the period it finished (Vietnam time);
 * a rating in the period it was given, for the officers who acted at the steps it names (every step
 * when it names none).
 */
import type {
  AgencyFigures,
  OfficerFigures,
  OfficerStepFigures,
  StepFigures,
} from '../../schemas/figures.js';
import { toCsv } from '../core/csv.js';
import type { DossierRecord } from '../core/dossier.js';
import { AppError } from '../core/errors.js';
import type { TimelineEvent } from '../core/timeline.js';
import { isWorkingDay, localDate, OFFICE_HOURS } from '../core/working-days.js';
import { computeSteps } from '../steps/progress.js';

const VN_OFFSET_MS = 7 * 3_600_000;
const HOURS_PER_DAY = 8;
/** A dossier may hold a step open this long before it finishes (a year's processing time and more). */
export const LOOKBACK_DAYS = 400;

export type FiguresDossier = Pick<
  DossierRecord,
  | 'code'
  | 'procedureCode'
  | 'procedureVersion'
  | 'submittedAt'
  | 'updatedAt'
  | 'dueAt'
  | 'status'
  | 'payment'
  | 'bundle'
>;

export interface FiguresRating {
  dossierCode: string;
  overall: number;
  ratedAt: string;
  steps?: string[];
  officerIds?: string[];
}

export interface FiguresPorts {
  now(): Date;
  /** The agency's dossiers submitted between two instants (its work list, no scan). */
  dossiers(agencyId: string, fromIso: string, toIso: string): Promise<FiguresDossier[]>;
  timeline(code: string): Promise<TimelineEvent[]>;
  ratings(agencyId: string, fromIso: string, toIso: string): Promise<FiguresRating[]>;
}

/** The instants a month or quarter begins and ends in Vietnam, and its local first and last days. */
export function periodBounds(period: string): { start: Date; end: Date; from: string; to: string } {
  const year = Number(period.slice(0, 4));
  const q = /Q([1-4])$/.exec(period);
  const firstMonth = q ? (Number(q[1]) - 1) * 3 : Number(period.slice(5, 7)) - 1;
  const months = q ? 3 : 1;
  const start = new Date(Date.UTC(year, firstMonth, 1) - VN_OFFSET_MS);
  const end = new Date(Date.UTC(year, firstMonth + months, 1) - VN_OFFSET_MS);
  return { start, end, from: localDate(start), to: localDate(new Date(end.getTime() - 1)) };
}

const localInstant = (day: string, hour: number) =>
  Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`) - VN_OFFSET_MS;

/** Office hours of working days between two instants. */
export function workingHoursBetween(from: Date, to: Date): number {
  let ms = 0;
  const last = localDate(to);
  for (
    let day = localDate(from);
    day <= last;
    day = localDate(new Date(localInstant(day, 12) + 86_400_000))
  ) {
    if (!isWorkingDay(day)) continue;
    for (const [open, close] of OFFICE_HOURS) {
      const a = Math.max(from.getTime(), localInstant(day, open));
      const b = Math.min(to.getTime(), localInstant(day, close));
      if (b > a) ms += b - a;
    }
  }
  return ms / 3_600_000;
}

interface Tally {
  dossiers: Set<string>;
  steps: number;
  onTime: number;
  late: number;
  hours: number;
  ratings: number;
  ratingSum: number;
  satisfied: number;
}

const emptyTally = (): Tally => ({
  dossiers: new Set(),
  steps: 0,
  onTime: 0,
  late: 0,
  hours: 0,
  ratings: 0,
  ratingSum: 0,
  satisfied: 0,
});

const pct = (n: number, of: number) => (of ? Math.round((1000 * n) / of) / 10 : null);
const avg = (sum: number, n: number, digits = 1) => (n ? Number((sum / n).toFixed(digits)) : null);

function summary(t: Tally) {
  return {
    dossiersHandled: t.dossiers.size,
    steps: t.steps,
    onTime: t.onTime,
    late: t.late,
    onTimeRate: pct(t.onTime, t.steps),
    averageWorkingDays: avg(t.hours / HOURS_PER_DAY, t.steps),
    ratings: t.ratings,
    averageRating: avg(t.ratingSum, t.ratings, 2),
    satisfactionRate: pct(t.satisfied, t.ratings),
  };
}

/** Figures of one agency for a period, from its dossiers' timelines and its ratings. */
export async function agencyFigures(
  ports: FiguresPorts,
  agencyId: string | undefined,
  period: string,
): Promise<AgencyFigures> {
  // An officer whose token names no agency has no agency's figures to see.
  if (!agencyId) throw new AppError('FORBIDDEN');
  const { start, end, from, to } = periodBounds(period);
  const inPeriod = (at: string | null) =>
    !!at && Date.parse(at) >= start.getTime() && Date.parse(at) < end.getTime();
  const lookback = new Date(start.getTime() - LOOKBACK_DAYS * 86_400_000).toISOString();
  const [listed, ratings] = await Promise.all([
    ports.dossiers(agencyId, lookback, end.toISOString()),
    ports.ratings(agencyId, start.toISOString(), end.toISOString()),
  ]);
  // Every step's end is a timeline event, which touches the dossier: one untouched since before the
  // period finished nothing in it, and is read only when a rating of the period concerns it.
  const rated = new Set(ratings.map((r) => r.dossierCode));
  const dossiers = listed.filter(
    (d) => !d.updatedAt || Date.parse(d.updatedAt) >= start.getTime() || rated.has(d.code),
  );
  const now = ports.now();
  const officers = new Map<string, { displayName: string; t: Tally }>();
  type StepRow = Omit<StepFigures, keyof ReturnType<typeof summary>>;
  const steps = new Map<string, { row: StepRow; t: Tally }>();
  /** Keyed `<officer>#<procedure>#<step>`: the per-officer-per-step breakdown. */
  const officerSteps = new Map<string, { officerId: string; displayName: string; row: StepRow; t: Tally }>();
  /** Who acted at each step of each dossier, for the ratings. */
  const actedAt = new Map<string, Map<string, string[]>>();

  const timelines = await mapLimited(dossiers, 16, (d) => ports.timeline(d.code));
  for (const [i, d] of dossiers.entries()) {
    const computed = computeSteps(d, timelines[i]!, now);
    const byStep = new Map<string, string[]>();
    actedAt.set(d.code, byStep);
    for (const s of computed) {
      if (s.officer) byStep.set(s.step.id, [s.officer.id]);
      if (!s.finishedAt || !inPeriod(s.finishedAt)) continue;
      const hours = s.startedAt ? workingHoursBetween(new Date(s.startedAt), new Date(s.finishedAt)) : 0;
      const add = (t: Tally) => {
        t.dossiers.add(d.code);
        t.steps += 1;
        if (s.state === 'late') t.late += 1;
        else t.onTime += 1;
        t.hours += hours;
      };
      const key = `${d.procedureCode}#${s.step.id}`;
      const step = steps.get(key) ?? {
        row: { procedureCode: d.procedureCode, stepId: s.step.id, name: s.step.name, nameEn: s.step.nameEn },
        t: emptyTally(),
      };
      steps.set(key, step);
      add(step.t);
      if (s.officer) {
        const o = officers.get(s.officer.id) ?? { displayName: s.officer.displayName, t: emptyTally() };
        // The name as the agency last sent it.
        o.displayName = s.officer.displayName;
        officers.set(s.officer.id, o);
        add(o.t);
        const pair = officerSteps.get(`${s.officer.id}#${key}`) ?? {
          officerId: s.officer.id,
          displayName: s.officer.displayName,
          row: step.row,
          t: emptyTally(),
        };
        pair.displayName = s.officer.displayName;
        officerSteps.set(`${s.officer.id}#${key}`, pair);
        add(pair.t);
      }
    }
  }

  const dossierProcedure = new Map(dossiers.map((d) => [d.code, d.procedureCode]));
  for (const r of ratings) {
    if (!inPeriod(r.ratedAt)) continue;
    const rate = (t: Tally) => {
      t.ratings += 1;
      t.ratingSum += r.overall;
      if (r.overall >= 4) t.satisfied += 1;
    };
    const acted = actedAt.get(r.dossierCode);
    const named = r.steps ?? (acted ? [...acted.keys()] : []);
    const officerIds = new Set(r.officerIds ?? named.flatMap((s) => acted?.get(s) ?? []));
    for (const id of officerIds) {
      const o = officers.get(id);
      if (o) rate(o.t);
    }
    const procedure = dossierProcedure.get(r.dossierCode);
    // The same steps as the officers': those it names, or every step an officer acted at.
    for (const stepId of new Set(named)) {
      const s = procedure ? steps.get(`${procedure}#${stepId}`) : undefined;
      if (s) rate(s.t);
      // An officer at a step: the step is concerned and so is the officer who acted at it.
      for (const id of acted?.get(stepId) ?? []) {
        if (!officerIds.has(id)) continue;
        const pair = officerSteps.get(`${id}#${procedure}#${stepId}`);
        if (pair) rate(pair.t);
      }
    }
  }

  const officerRows: OfficerFigures[] = [...officers.entries()]
    .map(([officerId, o]) => ({ officerId, displayName: o.displayName, ...summary(o.t) }))
    .sort((a, b) => a.officerId.localeCompare(b.officerId));
  const stepRows: StepFigures[] = [...steps.values()]
    .map((s) => ({ ...s.row, ...summary(s.t) }))
    .sort((a, b) => a.procedureCode.localeCompare(b.procedureCode) || a.stepId.localeCompare(b.stepId));
  const officerStepRows: OfficerStepFigures[] = [...officerSteps.values()]
    .map((p) => ({ officerId: p.officerId, displayName: p.displayName, ...p.row, ...summary(p.t) }))
    .sort(
      (a, b) =>
        a.officerId.localeCompare(b.officerId) ||
        a.procedureCode.localeCompare(b.procedureCode) ||
        a.stepId.localeCompare(b.stepId),
    );
  return {
    agencyId,
    period,
    from,
    to,
    officers: officerRows,
    steps: stepRows,
    officerSteps: officerStepRows,
    dossiersRead: dossiers.length,
  };
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const CSV_COLUMNS = [
  'kind',
  'officerId',
  'displayName',
  'procedureCode',
  'stepId',
  'stepName',
  'dossiersHandled',
  'steps',
  'onTime',
  'late',
  'onTimeRate',
  'averageWorkingDays',
  'ratings',
  'averageRating',
  'satisfactionRate',
] as const;

type CsvRow = Record<(typeof CSV_COLUMNS)[number], string | number | null>;

/** One sheet: a row per officer, then a row per step, then a row per officer at each step. */
export function figuresCsv(f: AgencyFigures): string {
  const rows: CsvRow[] = [
    ...f.officers.map((o) => ({
      kind: 'officer',
      officerId: o.officerId,
      displayName: o.displayName,
      procedureCode: null,
      stepId: null,
      stepName: null,
      ...pick(o),
    })),
    ...f.steps.map((s) => ({
      kind: 'step',
      officerId: null,
      displayName: null,
      procedureCode: s.procedureCode,
      stepId: s.stepId,
      stepName: s.name,
      ...pick(s),
    })),
    ...f.officerSteps.map((p) => ({
      kind: 'officer_step',
      officerId: p.officerId,
      displayName: p.displayName,
      procedureCode: p.procedureCode,
      stepId: p.stepId,
      stepName: p.name,
      ...pick(p),
    })),
  ];
  return toCsv<CsvRow>([...CSV_COLUMNS], rows);
}

const pick = (x: OfficerFigures | StepFigures | OfficerStepFigures) => ({
  dossiersHandled: x.dossiersHandled,
  steps: x.steps,
  onTime: x.onTime,
  late: x.late,
  onTimeRate: x.onTimeRate,
  averageWorkingDays: x.averageWorkingDays,
  ratings: x.ratings,
  averageRating: x.averageRating,
  satisfactionRate: x.satisfactionRate,
});
