/** A dossier's processing steps, each on its own clock, and the officers who act on them. */
import * as z from 'zod';
import { isoDateTime } from './common.js';

/** A step's id as the dossier's plan names it (`reception`, `step-1`…, or the default sequence's ids). */
export const stepId = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .meta({
    description:
      "The step: an id of the dossier's plan (`reception`, `step-1`, `step-2`… in the procedure's order, or " +
      '`handling`, `signing`, `returning` for a procedure without published steps), as the delivery lists ' +
      'them in `steps`. Other text is kept on the timeline but ties to no step.',
  });

/** The officer who acts, by the agency's own id for them; no other personal data. */
export const officerRef = z
  .object({
    id: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[\p{L}\p{N}._:@-]+$/u, 'letters, digits and . _ : @ -'),
    displayName: z
      .string()
      .trim()
      .min(1)
      .max(120)
      .transform((s) => s.normalize('NFC')),
  })
  .strict()
  .meta({
    id: 'Officer',
    description:
      "The officer who acts: the agency's own id for them and the name the citizen sees (e.g. " +
      '"Chuyên viên Nguyễn Văn A"). Nothing else about the person is sent or kept.',
  });
export type OfficerRef = z.output<typeof officerRef>;

export const stepBudget = z.object({
  unit: z.enum(['working_days', 'working_hours']),
  amount: z.number().positive(),
});

/** A step of the plan as the agency receives it with the dossier. */
export const plannedStep = z
  .object({ id: z.string(), name: z.string(), nameEn: z.string(), budget: stepBudget })
  .meta({ id: 'PlannedStep' });

const stepViewFields = {
  id: z.string(),
  name: z.string(),
  nameEn: z.string(),
  budget: stepBudget,
  /** When the step is due: as computed from its budget (working-day calendar, Vietnam), or as extended. */
  dueAt: isoDateTime.nullable(),
  startedAt: isoDateTime.nullable(),
  finishedAt: isoDateTime.nullable(),
  state: z.enum(['on_time', 'late']),
  /** Working days begun past the due time (0 while on time). */
  lateByWorkingDays: z.number().int().min(0),
  /** The agency sent an apology with a new date for this step (form 04). */
  apology: z
    .object({
      at: isoDateTime,
      /** The agency's words: for the owner only, like the timeline's notes. */
      reason: z.string().optional(),
      newDueAt: isoDateTime,
    })
    .optional(),
  /** Late without an apology: the agency owes the citizen one, with a new date (form 04). */
  apologyRequired: z.boolean(),
};

/** Public tracking: the steps without who acted. */
export const publicStepView = z.object(stepViewFields).meta({ id: 'TrackedStep' });
/** The owner's view adds the officer's display name. */
export const stepView = publicStepView.extend({ officer: z.string().optional() }).meta({ id: 'DossierStep' });
export type StepView = z.infer<typeof stepView>;
