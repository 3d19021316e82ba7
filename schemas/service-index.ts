/** The live service index (Decision 766/QĐ-TTg): rankings per period and one agency's months. */
import * as z from 'zod';
import { agencyLevel } from './agency-level.js';
import { MAX_MONTHS, month, monthsBetween } from './feedback.js';
import { figuresPeriod } from './figures.js';

const format = z.enum(['json', 'csv']).optional();

export const serviceIndexQuery = z
  .object({
    /** A month (2026-11) or a quarter (2026-Q4); defaults to the month under way in Vietnam. */
    period: figuresPeriod.optional(),
    level: agencyLevel.optional(),
    province: z.string().max(20).optional(),
    /** CSV also with `Accept: text/csv`. */
    format,
  })
  .strict();

export const serviceIndexParams = z.object({ code: z.string().min(1).max(40) });

export const serviceIndexRangeQuery = z
  .object({
    /** Default: the twelve months ending with the month under way. */
    from: month.optional(),
    to: month.optional(),
    format,
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must not be after to', path: ['from'] })
  .refine((q) => !q.from || !q.to || monthsBetween(q.from, q.to) <= MAX_MONTHS, {
    message: `at most ${MAX_MONTHS} months`,
    path: ['to'],
  });

const points = z.number().min(0);

export const indexIndicator = z.object({
  id: z.string(),
  group: z.string(),
  /** What counted for it, out of what (null rate: nothing to measure, left out of the score). */
  part: z.number().int(),
  whole: z.number().int(),
  rate: z.number().min(0).max(100).nullable(),
  points: points.nullable(),
  maxPoints: points,
  /** Points lost against the maximum (0 when there was nothing to measure). */
  lost: points,
});

export const indexGroupScore = z.object({
  id: z.string(),
  points,
  /** The points its indicators with something to measure could earn. */
  maxPoints: points,
  /** Points over what could be earned, 0–100; null when nothing in the group was measured. */
  score: z.number().min(0).max(100).nullable(),
});

export const indexScore = z.object({
  /** Out of 100: the points earned over the points that could be earned. Null: nothing measured. */
  score: z.number().min(0).max(100).nullable(),
  points,
  maxPoints: points,
  groups: z.array(indexGroupScore),
  indicators: z.array(indexIndicator),
});

const agencyFields = {
  agencyId: z.string(),
  agencyCode: z.string(),
  agencyName: z.string(),
  provinceCode: z.string().nullable(),
  level: agencyLevel,
};

/** How the index is computed, as configured (functions/stats/service-index-weights.ts). */
export const indexMethod = z.object({
  groups: z.array(z.object({ id: z.string(), name: z.string(), nameEn: z.string(), maxPoints: z.number() })),
  indicators: z.array(
    z.object({
      id: z.string(),
      group: z.string(),
      name: z.string(),
      nameEn: z.string(),
      maxPoints: z.number(),
      approximate: z.string().nullable(),
    }),
  ),
});

export const serviceIndexList = z.object({
  period: figuresPeriod,
  months: z.array(month),
  method: indexMethod,
  items: z.array(
    indexScore.extend({
      ...agencyFields,
      /** 1 = best; null when nothing was measured (listed last). */
      rank: z.number().int().nullable(),
      received: z.number().int(),
    }),
  ),
});

export const serviceIndexSeries = z.object({
  ...agencyFields,
  from: month,
  to: month,
  method: indexMethod,
  months: z.array(indexScore.extend({ month, received: z.number().int() })),
  total: indexScore.extend({ received: z.number().int() }),
});
