import type { z } from 'zod';
import type { dossierParams } from '../../schemas/dossier.js';
import type { agencyRatingsQuery, RatingInput } from '../../schemas/feedback.js';
import { httpFunction, personOf } from '../core/http.js';
import { listAgencyRatings, rateDossier } from './ratings.js';
import { ratingStore } from './store.js';

const PRIVATE = { 'cache-control': 'no-store' };

export const handler = httpFunction('feedback', {
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
});
