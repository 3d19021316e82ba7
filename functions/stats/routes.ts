import {
  agencyStatsList,
  agencyStatsParams,
  agencyStatsQuery,
  agencyStatsRangeQuery,
  agencyStatsSeries,
} from '../../schemas/feedback.js';
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
] as const;
