/**
 * The support desk's published figures for one Vietnam calendar month, computed from the ticket items
 * asked in it (no counters to drift: asking again gives the same figures from the same tickets).
 */
import type * as z from 'zod';
import type { supportStats } from '../../schemas/support.js';
import type { TicketRecord } from './model.js';

export type SupportStats = z.infer<typeof supportStats>;

const VN_OFFSET_MS = 7 * 3_600_000;

/** The UTC instants a Vietnam month starts and ends at (end exclusive). */
export function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const from = new Date(Date.UTC(y, m - 1, 1) - VN_OFFSET_MS).toISOString();
  const to = new Date(Date.UTC(y, m, 1) - VN_OFFSET_MS).toISOString();
  return { from, to };
}

export const currentMonth = (now: Date) => new Date(now.getTime() + VN_OFFSET_MS).toISOString().slice(0, 7);

const rate = (n: number, of: number) => (of === 0 ? null : Math.round((n / of) * 1000) / 1000);
const hours = (ms: number) => Math.round((ms / 3_600_000) * 10) / 10;

export function supportFigures(month: string, tickets: readonly TicketRecord[]): SupportStats {
  const answered = tickets.filter((t) => t.firstAnsweredAt);
  const onTime = answered.filter((t) => t.firstAnswerOnTime === true);
  const closed = tickets.filter((t) => t.closedAt);
  const durations = closed
    .map((t) => Date.parse(t.closedAt!) - Date.parse(t.createdAt))
    .sort((a, b) => a - b);
  const rated = tickets.filter((t) => t.rating);
  const mid = durations.length >> 1;
  const median =
    durations.length === 0
      ? null
      : hours(durations.length % 2 ? durations[mid]! : (durations[mid - 1]! + durations[mid]!) / 2);
  return {
    month,
    tickets: tickets.length,
    byChannel: {
      web: tickets.filter((t) => t.channel === 'web').length,
      phone: tickets.filter((t) => t.channel === 'phone').length,
    },
    answered: answered.length,
    firstAnswerOnTime: onTime.length,
    firstAnswerOnTimeRate: rate(onTime.length, answered.length),
    closed: closed.length,
    averageResolutionHours: durations.length
      ? hours(durations.reduce((a, b) => a + b, 0) / durations.length)
      : null,
    medianResolutionHours: median,
    ratings: rated.length,
    averageRating: rated.length
      ? Math.round((rated.reduce((a, t) => a + t.rating!.score, 0) / rated.length) * 100) / 100
      : null,
    satisfaction: rate(rated.filter((t) => t.rating!.score >= 4).length, rated.length),
  };
}
