import type { z } from 'zod';
import type { dossierParams } from '../../schemas/dossier.js';
import type { agencyRatingsQuery, RatingInput } from '../../schemas/feedback.js';
import type { agencyFiguresQuery } from '../../schemas/figures.js';
import { readOwnership } from '../core/access-store.js';
import { CSV_TYPE, wantsCsv } from '../core/csv.js';
import { httpFunction, type Operation, personOf } from '../core/http.js';
import { localDate } from '../core/working-days.js';
import { agencyFigures, figuresCsv } from './figures.js';
import { figuresStore } from './figures-store.js';
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
  getAgencyFigures: async (req) => {
    const q = req.query as z.output<typeof agencyFiguresQuery>;
    const period = q.period ?? localDate(new Date()).slice(0, 7);
    const figures = await agencyFigures(figuresStore(), personOf(req).agencyId, period);
    if (q.format !== 'csv' && !wantsCsv(req.headers.accept)) return { body: figures, headers: PRIVATE };
    return {
      body: figures,
      raw: { contentType: CSV_TYPE, text: figuresCsv(figures) },
      headers: {
        ...PRIVATE,
        'content-disposition': `attachment; filename="cong-${figures.agencyId}-figures-${period}.csv"`,
      },
    };
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
