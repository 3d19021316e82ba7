import { readOwnership } from '../core/access-store.js';
import { CSV_TYPE, wantsCsv } from '../core/csv.js';
import { httpFunction, type Operations, personOf } from '../core/http.js';
import { localDate } from '../core/working-days.js';
import { agencyFigures, figuresCsv } from './figures.js';
import { figuresStore } from './figures-store.js';
import { listAgencyRatings, rateDossier } from './ratings.js';
import { feedbackRoutes } from './routes.js';
import { ratingStore } from './store.js';

const PRIVATE = { 'cache-control': 'no-store' };

/** The group's operations; the route table's access rules have been enforced before each runs. */
const operations = {
  rateDossier: async (req) => {
    const { code } = req.params;
    const rating = await rateDossier(ratingStore(), code, req.body);
    return { body: rating, headers: PRIVATE };
  },
  getAgencyFigures: async (req) => {
    const q = req.query;
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
    body: await listAgencyRatings(ratingStore(), personOf(req).agencyId, req.query),
    headers: PRIVATE,
  }),
} satisfies Operations<typeof feedbackRoutes>;

export const handler = httpFunction(feedbackRoutes, operations, { ownership: readOwnership });
