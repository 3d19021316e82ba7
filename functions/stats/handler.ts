import { CSV_TYPE, wantsCsv } from '../core/csv.js';
import { type ApiRequest, type ApiResult, httpFunction } from '../core/http.js';
import { nowStore } from './overdue.js';
import { agenciesOfMonth, agencySeries, listCsv, seriesCsv } from './published.js';
import { statsRoutes } from './routes.js';
import { statsStore } from './store.js';

/** Published figures change as dossiers move: shared caches may keep them briefly. */
const CACHE = { 'cache-control': 'public, max-age=300', vary: 'accept' };

function answer<T>(req: ApiRequest, body: T, csv: (body: T) => string, fileName: string): ApiResult<T> {
  if (!wantsCsv(req.headers.accept)) return { body, headers: CACHE };
  return {
    body,
    raw: { contentType: CSV_TYPE, text: csv(body) },
    headers: { ...CACHE, 'content-disposition': `attachment; filename="${fileName}"` },
  };
}

export const handler = httpFunction(statsRoutes, {
  listAgencyStats: async (req) => {
    const q = req.query;
    const list = await agenciesOfMonth({ ...statsStore(), ...nowStore() }, q);
    return answer(req, list, listCsv, `cong-agencies-${list.month}.csv`);
  },
  getAgencyStats: async (req) => {
    const { code } = req.params;
    const q = req.query;
    const series = await agencySeries({ ...statsStore(), ...nowStore() }, code, q);
    return answer(req, series, (x) => seriesCsv(x), `cong-${series.agencyId}-${q.from}-${q.to}.csv`);
  },
});
