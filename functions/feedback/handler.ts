import type { z } from 'zod';
import type { dossierParams } from '../../schemas/dossier.js';
import type { agencyRatingsQuery, RatingInput } from '../../schemas/feedback.js';
import { readOwnership } from '../core/access-store.js';
import { httpFunction, type Operation, personOf } from '../core/http.js';
import { listAgencyRatings, rateDossier } from './ratings.js';
import { ratingStore } from './store.js';

const PRIVATE = { 'cache-control': 'no-store' };

/** The group's operations; the route table's access rules have been enforced before each runs. */
const operations = {
  rateDossier: async (req) => {
    const { code } = req.params as z.output<typeof dossierParams>;
    const rating = await rateDossier(ratingStore(), code, req.body as RatingInput);
    return { body: rating, headers: PRIVATE };
  },
  listAgencyRatings: async (req) => ({
    body: await listAgencyRatings(
      ratingStore(),
      personOf(req).agencyId,
      req.query as z.output<typeof agencyRatingsQuery>,
    ),
    headers: PRIVATE,
  }),
} satisfies Record<string, Operation>;

export const handler = httpFunction('feedback', operations, { ownership: readOwnership });
