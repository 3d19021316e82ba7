/**
 * The live service index (Decision 766/QĐ-TTg), computed on each request from the statistics counters
 * alone: whatever the counters hold — live, or rebuilt by `npm run stats:rebuild` — the index follows,
 * so it is rebuildable by construction. Groups, points and indicators: service-index-weights.ts.
 */
import type * as z from 'zod';
import type { agencyLevel } from '../../schemas/catalog.js';
import { MAX_MONTHS } from '../../schemas/feedback.js';
import type {
  indexMethod,
  indexScore,
  serviceIndexList,
  serviceIndexSeries,
} from '../../schemas/service-index.js';
import { toCsv } from '../core/csv.js';
import { AppError } from '../core/errors.js';
import { type Agency, findAgency, findAgencyByCode } from '../registry/agencies.js';
import { addCounts, type Counts, monthOf, seriesRange, zeroCounts } from './counters.js';
import { GROUPS, INDICATORS } from './service-index-weights.js';
import type { StatsPorts } from './store.js';

export type IndexScore = z.infer<typeof indexScore>;
type IndexList = z.infer<typeof serviceIndexList>;
type IndexSeries = z.infer<typeof serviceIndexSeries>;

const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** The index of one agency's counters over any span of months. */
export function scoreOf(c: Counts): IndexScore {
  const indicators = INDICATORS.map((ind) => {
    const whole = ind.whole(c);
    const part = Math.min(ind.part(c), whole);
    const share = whole > 0 ? part / whole : null;
    const points = share === null ? null : round2(ind.maxPoints * share);
    return {
      id: ind.id,
      group: ind.group,
      part,
      whole,
      rate: share === null ? null : round1(share * 100),
      points,
      maxPoints: ind.maxPoints,
      lost: points === null ? 0 : round2(ind.maxPoints - points),
    };
  });
  const measured = indicators.filter((i) => i.points !== null);
  const sum = (xs: readonly { points: number | null; maxPoints: number }[]) => ({
    points: round2(xs.reduce((s, x) => s + (x.points ?? 0), 0)),
    maxPoints: xs.reduce((s, x) => s + x.maxPoints, 0),
  });
  const groups = GROUPS.map((g) => {
    const { points, maxPoints } = sum(measured.filter((i) => i.group === g.id));
    return { id: g.id, points, maxPoints, score: maxPoints ? round1((points / maxPoints) * 100) : null };
  });
  const total = sum(measured);
  return {
    score: total.maxPoints ? round1((total.points / total.maxPoints) * 100) : null,
    ...total,
    groups,
    indicators,
  };
}

export const indexMethodView = (): z.infer<typeof indexMethod> => ({
  groups: GROUPS.map((g) => ({ ...g })),
  indicators: INDICATORS.map((i) => ({
    id: i.id,
    group: i.group,
    name: i.name,
    nameEn: i.nameEn,
    maxPoints: i.maxPoints,
    approximate: i.approximate ?? null,
  })),
});

/** The months of a period: 2026-11, or the three of 2026-Q4. */
export function monthsOfPeriod(period: string): string[] {
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  if (!q) return [period];
  const first = (Number(q[2]) - 1) * 3 + 1;
  return [0, 1, 2].map((i) => `${q[1]}-${String(first + i).padStart(2, '0')}`);
}

const agencyView = (a: Agency) => ({
  agencyId: a.id,
  agencyCode: a.code,
  agencyName: a.name,
  provinceCode: a.provinceCode,
  level: a.level,
});

/**
 * Best first by score, then by dossiers received (a full score over many outranks one over a few), then
 * by id for a stable order; agencies with nothing measured are unranked, last.
 */
export function rankByScore<T extends { score: number | null; received: number; agencyId: string }>(
  items: readonly T[],
): (T & { rank: number | null })[] {
  const ranked = items
    .filter((x) => x.score !== null)
    .sort(
      (a, b) =>
        (b.score ?? 0) - (a.score ?? 0) || b.received - a.received || a.agencyId.localeCompare(b.agencyId),
    )
    .map((x, i) => ({ ...x, rank: i + 1 }));
  const unranked = items
    .filter((x) => x.score === null)
    .sort((a, b) => a.agencyId.localeCompare(b.agencyId))
    .map((x) => ({ ...x, rank: null }));
  return [...ranked, ...unranked];
}

export async function serviceIndex(
  ports: Pick<StatsPorts, 'month'>,
  q: { period?: string; level?: z.infer<typeof agencyLevel>; province?: string },
  now: Date = new Date(),
): Promise<IndexList> {
  const period = q.period ?? monthOf(now.toISOString());
  const months = monthsOfPeriod(period);
  const perAgency = new Map<string, Counts>();
  for (const stored of await Promise.all(months.map((m) => ports.month(m))))
    for (const s of stored)
      perAgency.set(s.agencyId, addCounts(perAgency.get(s.agencyId) ?? zeroCounts(), s.counts));
  const items = [...perAgency]
    .map(([agencyId, counts]) => ({ agency: findAgency(agencyId), counts }))
    .filter(
      (x): x is { agency: Agency; counts: Counts } =>
        x.agency !== undefined &&
        (!q.level || x.agency.level === q.level) &&
        (!q.province || x.agency.provinceCode === q.province),
    )
    .map(({ agency, counts }) => ({ ...agencyView(agency), received: counts.received, ...scoreOf(counts) }));
  return { period, months, method: indexMethodView(), items: rankByScore(items) };
}

export async function agencyServiceIndex(
  ports: Pick<StatsPorts, 'agencyMonths'>,
  code: string,
  q: { from?: string; to?: string },
  now: Date = new Date(),
): Promise<IndexSeries> {
  const agency = findAgencyByCode(code);
  if (!agency) throw new AppError('AGENCY_NOT_FOUND');
  const { from, to, months } = seriesRange(q, now, MAX_MONTHS);
  const stored = new Map((await ports.agencyMonths(agency.id, months)).map((s) => [s.month, s.counts]));
  const total = months.reduce((sum, m) => addCounts(sum, stored.get(m) ?? zeroCounts()), zeroCounts());
  return {
    ...agencyView(agency),
    from,
    to,
    method: indexMethodView(),
    months: months.map((m) => {
      const c = stored.get(m) ?? zeroCounts();
      return { month: m, received: c.received, ...scoreOf(c) };
    }),
    total: { received: total.received, ...scoreOf(total) },
  };
}

/** Columns per indicator (its rate and the points it lost) and per group (its points). */
const scoreColumns = () => [
  'score',
  'points',
  'maxPoints',
  ...GROUPS.map((g) => `group_${g.id}`),
  ...INDICATORS.flatMap((i) => [`${i.id}_rate`, `${i.id}_lost`]),
];

function flatScore(s: IndexScore): Record<string, number | null> {
  const row: Record<string, number | null> = { score: s.score, points: s.points, maxPoints: s.maxPoints };
  for (const g of s.groups) row[`group_${g.id}`] = g.maxPoints ? g.points : null;
  for (const i of s.indicators) {
    row[`${i.id}_rate`] = i.rate;
    row[`${i.id}_lost`] = i.lost;
  }
  return row;
}

type Row = Record<string, string | number | null>;

export const indexListCsv = (list: IndexList) =>
  toCsv<Row>(
    [
      'period',
      'rank',
      'agencyId',
      'agencyCode',
      'agencyName',
      'provinceCode',
      'level',
      'received',
      ...scoreColumns(),
    ],
    list.items.map((x) => ({
      period: list.period,
      rank: x.rank,
      agencyId: x.agencyId,
      agencyCode: x.agencyCode,
      agencyName: x.agencyName,
      provinceCode: x.provinceCode,
      level: x.level,
      received: x.received,
      ...flatScore(x),
    })),
  );

export const indexSeriesCsv = (series: IndexSeries) =>
  toCsv<Row>(
    ['agencyId', 'agencyCode', 'month', 'received', ...scoreColumns()],
    series.months.map((m) => ({
      agencyId: series.agencyId,
      agencyCode: series.agencyCode,
      month: m.month,
      received: m.received,
      ...flatScore(m),
    })),
  );
