/** An agency's own figures per officer and per step, for its officers and managers only. */
import * as z from 'zod';

/** A Vietnam calendar month (2026-11) or quarter (2026-Q4). */
export const figuresPeriod = z
  .string()
  .regex(
    /^20\d{2}-((0[1-9]|1[0-2])|Q[1-4])$/,
    'expected a month such as 2026-11 or a quarter such as 2026-Q4 (years 2000–2099)',
  );

export const agencyFiguresQuery = z
  .object({
    /** Defaults to the month under way in Vietnam (UTC+7). */
    period: figuresPeriod.optional(),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

/** Rates are percentages with one decimal; null when there is nothing to measure. */
const rate = z.number().min(0).max(100).nullable();

const counts = {
  /** Steps finished in the period. */
  steps: z.number().int(),
  onTime: z.number().int(),
  late: z.number().int(),
  onTimeRate: rate,
  /** Working time from a step's start to its finish, in working days (8 office hours), averaged. */
  averageWorkingDays: z.number().nullable(),
  /** Ratings given in the period that concern these steps or this officer. */
  ratings: z.number().int(),
  averageRating: z.number().nullable(),
  /** Share of those ratings with an overall mark of 4 or 5. */
  satisfactionRate: rate,
};

export const officerFigures = z.object({
  officerId: z.string(),
  displayName: z.string(),
  /** Dossiers in which the officer finished at least one step in the period. */
  dossiersHandled: z.number().int(),
  ...counts,
});

export const stepFigures = z.object({
  procedureCode: z.string(),
  stepId: z.string(),
  name: z.string(),
  nameEn: z.string(),
  dossiersHandled: z.number().int(),
  ...counts,
});

/** One officer at one step of one procedure: what the officer did there. */
export const officerStepFigures = z.object({
  officerId: z.string(),
  displayName: z.string(),
  procedureCode: z.string(),
  stepId: z.string(),
  name: z.string(),
  nameEn: z.string(),
  /** Dossiers in which the officer finished this step in the period. */
  dossiersHandled: z.number().int(),
  ...counts,
});

export const agencyFigures = z
  .object({
    agencyId: z.string(),
    period: figuresPeriod,
    /** The period's first and last day in Vietnam. */
    from: z.iso.date(),
    to: z.iso.date(),
    officers: z.array(officerFigures),
    steps: z.array(stepFigures),
    /** Per officer and per step: each officer's rows at each step they finished, by officer then step. */
    officerSteps: z.array(officerStepFigures),
    /** Dossiers read to compute the figures (those that could have had a step in the period). */
    dossiersRead: z.number().int(),
  })
  .meta({ id: 'AgencyFigures' });
export type AgencyFigures = z.infer<typeof agencyFigures>;
export type OfficerFigures = z.infer<typeof officerFigures>;
export type StepFigures = z.infer<typeof stepFigures>;
export type OfficerStepFigures = z.infer<typeof officerStepFigures>;
