import { agencyDossierList, agencyDossiersQuery } from '../../schemas/agency-dossiers.js';
import { dossierParams } from '../../schemas/dossier.js';
import {
  accessLogQuery,
  dossierAccessLog,
  dossierResultView,
  dossierView,
  dossierViewQuery,
  publicDossierView,
  submissionParams,
  submissionView,
  timelineVerification,
  trackQuery,
} from '../../schemas/dossier-views.js';
import { readQuery } from '../../schemas/reads.js';
import { defineRoute } from '../core/route.js';
import { PUBLIC } from '../core/route-access.js';

export const trackingRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/dossiers/{code}',
    fn: 'tracking',
    operationId: 'getDossier',
    access: { kind: 'owned', object: 'dossier', agencyOfficers: true },
    summary:
      "The owner's view of a dossier (also for the agency processing it, the desk that filed it and the " +
      "enterprise's representatives: each such read is recorded in the owner's access log first)",
    params: dossierParams,
    query: dossierViewQuery,
    status: 200,
    response: dossierView,
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/dossiers/{code}/result',
    fn: 'tracking',
    operationId: 'getDossierResult',
    access: { kind: 'owned', object: 'dossier', agencyOfficers: false },
    summary:
      "The dossier's result: a short-lived download link, or how it is handed over (a download by anyone " +
      "but the owner is recorded in the owner's access log, with the reason given)",
    params: dossierParams,
    query: readQuery,
    status: 200,
    response: dossierResultView,
    errors: [409],
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/dossiers/{code}/access-log',
    fn: 'tracking',
    operationId: 'getDossierAccessLog',
    access: { kind: 'owned', object: 'dossier', agencyOfficers: false },
    summary:
      'Who has read the dossier besides its owner: each read of it, its identifiers in full, its files or ' +
      'its result, with the reader’s role, pseudonym and reason, newest first',
    params: dossierParams,
    query: accessLogQuery,
    status: 200,
    response: dossierAccessLog,
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/track/{code}',
    fn: 'tracking',
    operationId: 'trackDossier',
    access: PUBLIC,
    summary: 'Public tracking by dossier code and the key on its receipt, without personal data',
    params: dossierParams,
    query: trackQuery,
    rateLimit: 'tracking',
    status: 200,
    response: publicDossierView,
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/dossiers/{code}/timeline/verify',
    fn: 'tracking',
    operationId: 'verifyTimeline',
    access: { kind: 'owned', object: 'dossier', agencyOfficers: true },
    summary: "Whether the dossier's hash-chained timeline is intact",
    params: dossierParams,
    status: 200,
    response: timelineVerification,
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/submissions/{submissionId}',
    fn: 'tracking',
    operationId: 'getSubmission',
    access: { kind: 'owned', object: 'submission', agencyOfficers: false },
    summary: 'Every dossier of one submission (a notice to many provinces, an interlinked bundle)',
    params: submissionParams,
    status: 200,
    response: submissionView,
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/agency/dossiers',
    fn: 'tracking',
    operationId: 'listAgencyDossiers',
    access: { kind: 'role', roles: ['agency_officer'], scope: 'agency' },
    summary: 'The dossiers routed to my agency, newest first, by status',
    query: agencyDossiersQuery,
    status: 200,
    response: agencyDossierList,
  }),
] as const;
