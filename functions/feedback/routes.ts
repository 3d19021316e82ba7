import { dossierParams } from '../../schemas/dossier.js';
import { agencyRatingList, agencyRatingsQuery, ratingRequest, ratingView } from '../../schemas/feedback.js';
import { agencyFigures, agencyFiguresQuery } from '../../schemas/figures.js';
import { defineRoute } from '../core/route.js';

export const feedbackRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/dossiers/{code}/rating',
    fn: 'feedback',
    operationId: 'rateDossier',
    access: { kind: 'owned', object: 'dossier', agencyOfficers: false },
    summary: 'Rate how a completed or refused dossier was handled (once)',
    params: dossierParams,
    body: ratingRequest,
    status: 201,
    response: ratingView,
    errors: [409],
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/agency/ratings',
    fn: 'feedback',
    operationId: 'listAgencyRatings',
    access: { kind: 'role', roles: ['agency_officer'], scope: 'agency' },
    summary: "Citizens' ratings of my agency's dossiers, newest first",
    query: agencyRatingsQuery,
    status: 200,
    response: agencyRatingList,
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/agency/figures',
    fn: 'feedback',
    operationId: 'getAgencyFigures',
    access: { kind: 'role', roles: ['agency_officer'], scope: 'agency' },
    summary:
      "My agency's figures per officer and per step for a month or quarter: steps finished, on time, late, average working days, ratings (CSV with format=csv)",
    query: agencyFiguresQuery,
    status: 200,
    response: agencyFigures,
    alsoAs: ['text/csv'],
  }),
] as const;
