/**
 * The performance the portal publishes: every agency's month, ranked by on-time rate, and one
 * agency's months side by side with their total. Also as CSV for the press and for oversight bodies.
 */
import type * as z from 'zod';
import {
  type AgencyMonthStats,
  type agencyStatsList,
  type agencyStatsSeries,
  MAX_MONTHS,
} from '../../schemas/feedback.js';
import { toCsv } from '../core/csv.js';
import { AppError } from '../core/errors.js';
import { findAgencyByCode } from '../registry/agencies.js';
import { addCounts, monthOf, rankAgencies, seriesRange, toMonthStats, zeroCounts } from './counters.js';
import { NOW_COUNTERS, type NowCounts, type NowPorts, zeroNow } from './overdue.js';
import type { StatsPorts } from './store.js';

type StatsList = z.infer<typeof agencyStatsList>;
type StatsSeries = z.infer<typeof agencyStatsSeries>;

export async function agenciesOfMonth(
  ports: Pick<StatsPorts, 'month'> & Pick<NowPorts, 'allNow'>,
  q: { month?: string; province?: string; level?: AgencyMonthStats['level']; order: 'best' | 'worst' },
  now: Date = new Date(),
): Promise<StatsList> {
  // Without a month, the one under way in Vietnam: before 07:00 on the 1st there, UTC is still in the last one.
  const month = q.month ?? monthOf(now.toISOString());
  const [stored, current] = await Promise.all([ports.month(month), ports.allNow()]);
  const counted = new Map(stored.map((s) => [s.agencyId, s.counts]));
  // This month also lists agencies whose only figure is what is overdue now.
  if (month === monthOf(now.toISOString()))
    for (const [agencyId, n] of current)
      if (!counted.has(agencyId) && NOW_COUNTERS.some((k) => n[k] > 0)) counted.set(agencyId, zeroCounts());
  const items = [...counted]
    .map(([agencyId, counts]) => ({
      ...toMonthStats(agencyId, month, counts),
      ...(current.get(agencyId) ?? zeroNow()),
    }))
    .filter((s) => (!q.province || s.provinceCode === q.province) && (!q.level || s.level === q.level));
  return { month, order: q.order, items: rankAgencies(items, q.order) };
}

export async function agencySeries(
  ports: Pick<StatsPorts, 'agencyMonths'> & Pick<NowPorts, 'agencyNow'>,
  code: string,
  q: { from?: string; to?: string },
  now: Date = new Date(),
): Promise<StatsSeries> {
  const agency = findAgencyByCode(code);
  if (!agency) throw new AppError('AGENCY_NOT_FOUND');
  const { from, to, months } = seriesRange(q, now, MAX_MONTHS);
  const [found, current] = await Promise.all([
    ports.agencyMonths(agency.id, months),
    ports.agencyNow(agency.id),
  ]);
  const stored = new Map(found.map((s) => [s.month, s.counts]));
  const total = months.reduce((sum, m) => addCounts(sum, stored.get(m) ?? zeroCounts()), zeroCounts());
  const { month: _month, ...totalView } = toMonthStats(agency.id, to, total);
  return {
    agencyId: agency.id,
    agencyName: agency.name,
    from,
    to,
    months: months.map((m) => toMonthStats(agency.id, m, stored.get(m) ?? zeroCounts())),
    total: totalView,
    ...current,
  };
}

const MONTH_COLUMNS = [
  'agencyId',
  'agencyName',
  'provinceCode',
  'level',
  'month',
  'received',
  'completed',
  'completedOnTime',
  'onTimeRate',
  'averageProcessingDays',
  'ratings',
  'satisfactionRate',
  'petitionsAnswered',
  'petitionsAnsweredOnTime',
  'petitionsOnTimeRate',
  'documentsAskedTwice',
] as const satisfies readonly (keyof AgencyMonthStats)[];

export const listCsv = (list: StatsList) =>
  toCsv<StatsList['items'][number]>(['rank', ...MONTH_COLUMNS, ...NOW_COUNTERS], list.items);

/** One row per month; what is overdue now shows on the current month's row only. */
export const seriesCsv = (series: StatsSeries, now: Date = new Date()) => {
  const current = monthOf(now.toISOString());
  return toCsv<AgencyMonthStats & Partial<NowCounts>>(
    [...MONTH_COLUMNS, ...NOW_COUNTERS],
    series.months.map((m) =>
      m.month === current
        ? { ...m, overdueNow: series.overdueNow, petitionsOverdueNow: series.petitionsOverdueNow }
        : m,
    ),
  );
};
