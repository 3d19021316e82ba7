import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type {
  agencyParams,
  agencyQuery,
  catalogCheckRequest,
  communeQuery,
  faqQuery,
  provinceParams,
} from '../../schemas/catalog.js';
import type { ProcedureQuery, procedureParams, procedureVersionQuery } from '../../schemas/procedure.js';
import { AppError } from '../core/errors.js';
import { type ApiRequest, type ApiResult, httpFunction } from '../core/http.js';
import { agencyToView, findAgencyByCode, listAgencies } from './catalog.js';
import { runtimeFaq } from './faq-store.js';
import { planImport } from './import.js';
import { informationToView } from './information.js';
import { listProvinces, provinceCommunes } from './places.js';
import { publishedCatalog } from './procedures.js';
import { published } from './published.js';

const { catalog, details } = published;

/**
 * The catalog only changes with a deployment, so every answer is cacheable: an ETag over the body lets
 * browsers and CloudFront revalidate with If-None-Match and get a bodiless 304.
 */
function cacheable(req: ApiRequest, body: unknown, maxAgeSeconds = 300): ApiResult {
  const etag = `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;
  const headers = {
    etag,
    'cache-control': `public, max-age=${maxAgeSeconds}, stale-while-revalidate=60`,
  };
  const presented = (req.headers['if-none-match'] ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (presented.includes(etag) || presented.includes('*')) return { status: 304, body: undefined, headers };
  return { body, headers };
}

export const handler = httpFunction('catalog', {
  listProcedures: async (req) => cacheable(req, catalog.searchProcedures(req.query as ProcedureQuery)),
  getProcedure: async (req) => {
    const { code } = req.params as z.output<typeof procedureParams>;
    const { version } = req.query as z.output<typeof procedureVersionQuery>;
    const maxAge = version ? 86_400 : 300;
    // A curated procedure (filed online) wins over the national record of its code, which it links.
    const procedure = version ? catalog.findProcedureVersion(code, version) : catalog.findProcedure(code);
    if (procedure) {
      const national = await details.version(code);
      return cacheable(
        req,
        { ...catalog.procedureToView(procedure), national: national ? national.at.entry : null },
        maxAge,
      );
    }
    const entry = catalog.findProcedure(code) ? undefined : await details.version(code, version);
    if (!entry) throw new AppError('PROCEDURE_NOT_FOUND');
    return cacheable(req, informationToView(entry.details, entry.at), maxAge);
  },
  listAgencies: async (req) => cacheable(req, listAgencies(req.query as z.output<typeof agencyQuery>)),
  getAgency: async (req) => {
    const { code } = req.params as z.output<typeof agencyParams>;
    const agency = findAgencyByCode(code);
    if (!agency) throw new AppError('AGENCY_NOT_FOUND');
    return cacheable(req, agencyToView(agency));
  },
  listProvinces: async (req) => cacheable(req, listProvinces()),
  listProvinceCommunes: async (req) => {
    const { code } = req.params as z.output<typeof provinceParams>;
    const { q } = req.query as z.output<typeof communeQuery>;
    const communes = provinceCommunes(code, q);
    if (!communes) throw new AppError('PROVINCE_NOT_FOUND');
    return cacheable(req, communes);
  },
  // The published FAQ with the entries support agents added since (a support answer kept as FAQ): those
  // change between releases, so the answer is cached for a minute only.
  listFaq: async (req) =>
    cacheable(req, catalog.searchFaq(req.query as z.output<typeof faqQuery>, await runtimeFaq()), 60),
  // The same checks as the release's import, against the catalog this function serves; nothing is written.
  checkCatalogFile: async (req) => {
    const { format, content } = req.body as z.output<typeof catalogCheckRequest>;
    const { outcome } = planImport(content, format, publishedCatalog);
    return { body: outcome, headers: { 'cache-control': 'no-store' } };
  },
});
