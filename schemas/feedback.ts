/** Citizens' ratings of finished dossiers, and the performance the portal publishes per agency. */
import * as z from 'zod';
import { agencyLevel } from './agency-level.js';
import { listQuery } from './common.js';
import { ratingView } from './rating.js';

export { type RatingInput, type RatingView, ratingCriteria, ratingRequest, ratingView } from './rating.js';

export const agencyRatingsQuery = listQuery;
export const agencyRatingList = z.object({ items: z.array(ratingView), nextCursor: z.string().nullable() });

/** A calendar month in Vietnam, YYYY-MM. */
export const month = z
  .string()
  .regex(/^20\d{2}-(0[1-9]|1[0-2])$/, 'expected a month such as 2026-11 (years 2000–2099)');

export const agencyStatsQuery = z
  .object({
    /** Defaults to the current month in Vietnam (UTC+7). */
    month: month.optional(),
    province: z.string().max(20).optional(),
    level: agencyLevel.optional(),
    order: z.enum(['best', 'worst']).default('best'),
  })
  .strict();

export const agencyStatsParams = z.object({ code: z.string().min(1).max(40) });

/** At most three years per request: a published series, not an export of everything. */
export const MAX_MONTHS = 36;
export const agencyStatsRangeQuery = z
  .object({
    /** Default: the twelve months ending with the month under way. */
    from: month.optional(),
    to: month.optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] })
  .refine((q) => !q.from || !q.to || monthsBetween(q.from, q.to) <= MAX_MONTHS, {
    message: `at most ${MAX_MONTHS} months`,
    path: ['to'],
  });

export function monthsBetween(from: string, to: string): number {
  const n = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
  return n(to) - n(from) + 1;
}

/** Rates are percentages with one decimal; null when there is nothing to measure yet. */
const rate = z.number().min(0).max(100).nullable();

export const agencyMonthStats = z.object({
  agencyId: z.string(),
  agencyName: z.string(),
  provinceCode: z.string().nullable(),
  level: agencyLevel,
  month,
  /** Dossiers submitted to the agency in the month. */
  received: z.number().int(),
  /** Dossiers the agency finished in the month: a result issued or a refusal. */
  completed: z.number().int(),
  completedOnTime: z.number().int(),
  onTimeRate: rate,
  /** Working days from submission to the result or refusal, averaged over `completed`. */
  averageProcessingDays: z.number().nullable(),
  ratings: z.number().int(),
  /** Share of ratings with an overall mark of 4 or 5. */
  satisfactionRate: rate,
  /** Petitions the agency answered in the month. */
  petitionsAnswered: z.number().int(),
  /** Of those, answered by the deadline in force for the agency. */
  petitionsAnsweredOnTime: z.number().int(),
  petitionsOnTimeRate: rate,
  /**
   * Scans uploaded of a document type the citizen already held as a valid electronic result at
   * filing (data asked twice), counted in the month the dossier was received.
   */
  documentsAskedTwice: z.number().int(),
});
export type AgencyMonthStats = z.infer<typeof agencyMonthStats>;

/** Figures of the agency as of the request, whatever the month asked for. */
const nowFigures = {
  /** Dossiers open past their due date now (kept as the SLA watcher finds them, each quarter hour). */
  overdueNow: z.number().int(),
  /** Unresolved petitions that lapsed a deadline of this agency (and were escalated past it). */
  petitionsOverdueNow: z.number().int(),
};

export const agencyStatsList = z.object({
  month,
  order: z.enum(['best', 'worst']),
  items: z.array(agencyMonthStats.extend({ rank: z.number().int().nullable(), ...nowFigures })),
});

export const agencyStatsSeries = z.object({
  agencyId: z.string(),
  agencyName: z.string(),
  from: month,
  to: month,
  months: z.array(agencyMonthStats),
  total: agencyMonthStats.omit({ month: true }),
  ...nowFigures,
});
