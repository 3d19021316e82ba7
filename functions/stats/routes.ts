import {
  agencyStatsList,
  agencyStatsParams,
  agencyStatsQuery,
  agencyStatsRangeQuery,
  agencyStatsSeries,
} from '../../schemas/feedback.js';
import {
  serviceIndexList,
  serviceIndexParams,
  serviceIndexQuery,
  serviceIndexRangeQuery,
  serviceIndexSeries,
} from '../../schemas/service-index.js';
import { defineRoute } from '../core/route.js';
import { PUBLIC } from '../core/route-access.js';

export const statsRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/stats/agencies',
    fn: 'stats',
    operationId: 'listAgencyStats',
    access: PUBLIC,
    summary: "Every agency's performance in a month, ranked by on-time rate (CSV with Accept: text/csv)",
    query: agencyStatsQuery,
    status: 200,
    response: agencyStatsList,
    alsoAs: ['text/csv'],
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/stats/agencies/{code}',
    fn: 'stats',
    operationId: 'getAgencyStats',
    access: PUBLIC,
    summary: "One agency's performance month by month, with the total (CSV with Accept: text/csv)",
    params: agencyStatsParams,
    query: agencyStatsRangeQuery,
    status: 200,
    response: agencyStatsSeries,
    alsoAs: ['text/csv'],
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/service-index',
    fn: 'stats',
    operationId: 'listServiceIndex',
    access: PUBLIC,
    summary:
      'The live service index (Decision 766/QĐ-TTg) of a month or quarter: agencies ranked by score, with points per group and indicator, computed from the published statistics; `method` names the weights and which indicators the portal can only approximate (CSV with Accept: text/csv or format=csv)',
    query: serviceIndexQuery,
    status: 200,
    response: serviceIndexList,
    alsoAs: ['text/csv'],
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/service-index/{code}',
    fn: 'stats',
    operationId: 'getServiceIndex',
    access: PUBLIC,
    summary:
      "One agency's service index month by month and in total, with the points each indicator lost against its maximum (CSV with Accept: text/csv or format=csv)",
    params: serviceIndexParams,
    query: serviceIndexRangeQuery,
    status: 200,
    response: serviceIndexSeries,
    alsoAs: ['text/csv'],
  }),
] as const;
