/**
 * The performance the portal publishes: every agency's month, ranked by on-time rate, and one
 * agency's months side by side with their total. Also as CSV for the press and for oversight bodies.
 */
import type { z } from 'zod';
import type { AgencyMonthStats, agencyStatsList, agencyStatsSeries } from '../../schemas/feedback.js';
import { findAgencyByCode } from '../catalog/agencies.js';
import { toCsv } from '../core/csv.js';
import { AppError } from '../core/errors.js';
import { addCounts, monthRange, rankAgencies, toMonthStats, zeroCounts } from './counters.js';
import type { StatsPorts } from './store.js';

type StatsList = z.infer<typeof agencyStatsList>;
type StatsSeries = z.infer<typeof agencyStatsSeries>;

export async function agenciesOfMonth(
  ports: Pick<StatsPorts, 'month'>,
  q: { month: string; province?: string; level?: AgencyMonthStats['level']; order: 'best' | 'worst' },
): Promise<StatsList> {
  const items = (await ports.month(q.month))
    .map((s) => toMonthStats(s.agencyId, s.month, s.counts))
    .filter((s) => (!q.province || s.provinceCode === q.province) && (!q.level || s.level === q.level));
  return { month: q.month, order: q.order, items: rankAgencies(items, q.order) };
}

export async function agencySeries(
  ports: Pick<StatsPorts, 'agencyMonths'>,
  code: string,
  q: { from: string; to: string },
): Promise<StatsSeries> {
  const agency = findAgencyByCode(code);
  if (!agency) throw new AppError('AGENCY_NOT_FOUND');
  const months = monthRange(q.from, q.to);
  const stored = new Map((await ports.agencyMonths(agency.id, months)).map((s) => [s.month, s.counts]));
  const total = months.reduce((sum, m) => addCounts(sum, stored.get(m) ?? zeroCounts()), zeroCounts());
  const { month: _month, ...totalView } = toMonthStats(agency.id, q.to, total);
  return {
    agencyId: agency.id,
    agencyName: agency.name,
    from: q.from,
    to: q.to,
    months: months.map((m) => toMonthStats(agency.id, m, stored.get(m) ?? zeroCounts())),
    total: totalView,
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
] as const satisfies readonly (keyof AgencyMonthStats)[];

export const listCsv = (list: StatsList) =>
  toCsv<StatsList['items'][number]>(['rank', ...MONTH_COLUMNS], list.items);

export const seriesCsv = (series: StatsSeries) => toCsv<AgencyMonthStats>(MONTH_COLUMNS, series.months);
