/**
 * Citizens rate how a dossier was handled, once, after it ended (completed, or refused by the agency);
 * agency officers read their own agency's ratings. A withdrawn dossier was never decided: not rated.
 */
import type { DossierStatus } from '../../schemas/dossier.js';
import type { RatingInput, RatingView } from '../../schemas/feedback.js';
import type { DossierRecord } from '../core/dossier.js';
import { AppError } from '../core/errors.js';
import type { TimelineEvent } from '../core/timeline.js';
import { planOf } from '../steps/plan.js';
import { progressOf } from '../steps/progress.js';

export const RATABLE: ReadonlySet<DossierStatus> = new Set(['completed', 'rejected']);

export interface RatingPage {
  items: RatingView[];
  nextCursor: string | null;
}

export interface RatingPorts {
  now(): Date;
  loadDossier(code: string): Promise<DossierRecord | undefined>;
  /** The dossier's timeline: the officers who acted at the rated steps are read from it. */
  loadTimeline?(code: string): Promise<TimelineEvent[]>;
  /** Stores the rating unless the dossier has one: `exists` when it had. `officerIds` stay internal. */
  putRating(rating: RatingView, officerIds?: string[]): Promise<'stored' | 'exists'>;
  agencyRatings(agencyId: string, limit: number, cursor?: string): Promise<RatingPage>;
}

export async function rateDossier(ports: RatingPorts, code: string, input: RatingInput): Promise<RatingView> {
  const dossier = await ports.loadDossier(code);
  // Who may rate it was decided by the route's access rule (functions/core/access.ts).
  if (!dossier) throw new AppError('DOSSIER_NOT_FOUND');
  if (!RATABLE.has(dossier.status))
    throw new AppError('DOSSIER_NOT_ENDED', { currentStatus: dossier.status });
  const plan = planOf(dossier).steps;
  const unknown = (input.steps ?? []).filter((s) => !plan.some((p) => p.id === s));
  if (unknown.length)
    throw new AppError(
      'VALIDATION_FAILED',
      unknown.map((s) => ({
        path: `body.steps.${input.steps!.indexOf(s)}`,
        code: 'unknown_step',
        message: `${s} is not a step of this dossier`,
      })),
    );
  const steps = input.steps ? [...new Set(input.steps)] : undefined;
  const rating: RatingView = {
    dossierCode: dossier.code,
    agencyId: dossier.agencyId,
    procedureCode: dossier.procedureCode,
    overall: input.overall,
    criteria: input.criteria ?? {},
    ...(input.comment ? { comment: input.comment } : {}),
    ...(steps ? { steps } : {}),
    ratedAt: ports.now().toISOString(),
  };
  // The officers who acted at the rated steps (every step when none is named), for the agency's figures.
  const timeline = ports.loadTimeline ? await ports.loadTimeline(dossier.code) : [];
  const concerned = progressOf(plan, timeline).steps.filter((p) => !steps || steps.includes(p.step.id));
  const officerIds = [...new Set(concerned.flatMap((p) => (p.officer ? [p.officer.id] : [])))];
  if ((await ports.putRating(rating, officerIds)) === 'exists') throw new AppError('ALREADY_RATED');
  return rating;
}

export async function listAgencyRatings(
  ports: RatingPorts,
  agencyId: string | undefined,
  q: { limit: number; cursor?: string },
): Promise<RatingPage> {
  // An officer whose token names no agency has no ratings to see.
  if (!agencyId) throw new AppError('FORBIDDEN');
  return ports.agencyRatings(agencyId, q.limit, q.cursor);
}
