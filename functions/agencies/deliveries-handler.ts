/** An agency's own delivery log and redeliveries: thin adapters over functions/agencies/deliveries.ts. */
import { agencyOf, httpFunction } from '../core/http.js';
import { logger } from '../core/logger.js';
import { rateLimitStore } from '../core/rate-limit-store.js';
import { readDeliveryLog, requestRedelivery } from './deliveries.js';
import { agencyDeliveryRoutes } from './deliveries-routes.js';
import { deliveriesStore } from './deliveries-store.js';
import { authenticateAgencyRequest } from './verify.js';

let store: ReturnType<typeof deliveriesStore> | undefined;

export const handler = httpFunction(
  agencyDeliveryRoutes,
  {
    listAgencyDeliveries: async (req) => {
      store ??= deliveriesStore();
      const { agencyId } = agencyOf(req);
      return { body: await readDeliveryLog(store, agencyId, req.query) };
    },
    requestRedelivery: async (req) => {
      store ??= deliveriesStore();
      const principal = agencyOf(req);
      const body = req.body;
      const result = await requestRedelivery(store, principal.agencyId, req.headers['idempotency-key'], body);
      logger.info('redelivery requested', {
        agencyId: principal.agencyId,
        by: principal.via,
        what: 'dossierCode' in body ? 'dossier' : 'from' in body ? 'range' : 'deadLetters',
        ...result,
      });
      return { status: 202, body: result };
    },
  },
  {
    agency: authenticateAgencyRequest,
    rateLimits: rateLimitStore,
  },
);
