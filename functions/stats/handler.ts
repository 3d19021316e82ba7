import { CSV_TYPE, wantsCsv } from '../core/csv.js';
import { type ApiRequest, type ApiResult, httpFunction } from '../core/http.js';
import { nowStore } from './overdue.js';
import { agenciesOfMonth, agencySeries, listCsv, seriesCsv } from './published.js';
import { statsRoutes } from './routes.js';
import { agencyServiceIndex, indexListCsv, indexSeriesCsv, serviceIndex } from './service-index.js';
import { statsStore } from './store.js';

/** Published figures change as dossiers move: shared caches may keep them briefly. */
const CACHE = { 'cache-control': 'public, max-age=300', vary: 'accept' };

function answer<T>(
  req: ApiRequest,
  body: T,
  csv: (body: T) => string,
  fileName: string,
  format?: 'json' | 'csv',
): ApiResult<T> {
  if (format !== 'csv' && !wantsCsv(req.headers.accept)) return { body, headers: CACHE };
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
    return answer(
      req,
      series,
      (x) => seriesCsv(x),
      `cong-${series.agencyId}-${series.from}-${series.to}.csv`,
    );
  },
  listServiceIndex: async (req) => {
    const q = req.query;
    const list = await serviceIndex(statsStore(), q);
    return answer(req, list, indexListCsv, `cong-service-index-${list.period}.csv`, q.format);
  },
  getServiceIndex: async (req) => {
    const { code } = req.params;
    const q = req.query;
    const series = await agencyServiceIndex(statsStore(), code, q);
    const file = `cong-service-index-${series.agencyId}-${series.from}-${series.to}.csv`;
    return answer(req, series, indexSeriesCsv, file, q.format);
  },
});
