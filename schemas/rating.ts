/**
 * A citizen's rating of a finished dossier, on its own: a dossier's view carries it, without the
 * agency statistics of ./feedback.ts.
 */
import * as z from 'zod';
import { dossierCode, isoDateTime, nfcText, procedureCode } from './common.js';

export const score = z.number().int().min(1).max(5);

/** The criteria a citizen may score besides the overall mark (Decision 766/QĐ-TTg's satisfaction survey). */
export const ratingCriteria = z
  .object({
    onTime: score,
    contacts: score,
    attitude: score,
    guidance: score,
    /** How the dossier was received (tiếp nhận) and how it was handled (giải quyết). */
    reception: score,
    handling: score,
  })
  .partial()
  .strict();

export const ratingRequest = z
  .object({
    overall: score,
    criteria: ratingCriteria.optional(),
    comment: nfcText(1000).optional(),
    /** Which steps of the dossier (ids of its `steps`) the rating concerns; all of them when absent. */
    steps: z.array(z.string().min(1).max(200)).min(1).max(20).optional(),
  })
  .strict();
export type RatingInput = z.output<typeof ratingRequest>;

export const ratingView = z.object({
  dossierCode,
  agencyId: z.string(),
  procedureCode,
  overall: score,
  criteria: ratingCriteria,
  comment: z.string().optional(),
  /** The steps the rating concerns, when the citizen named them. */
  steps: z.array(z.string()).optional(),
  ratedAt: isoDateTime,
});
export type RatingView = z.infer<typeof ratingView>;
