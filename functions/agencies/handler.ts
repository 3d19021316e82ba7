import type { AgencyEvent } from '../../schemas/agency.js';
import { agencyOf, httpFunction } from '../core/http.js';
import { logger } from '../core/logger.js';
import { handleAgencyEvent } from './events.js';
import { agencyEventStore } from './store.js';
import { authenticateAgency } from './verify.js';

let store: ReturnType<typeof agencyEventStore> | undefined;

export const handler = httpFunction(
  'agencyEvents',
  {
    postAgencyEvent: async (req) => {
      store ??= agencyEventStore();
      const { agencyId } = agencyOf(req);
      const event = req.body as AgencyEvent;
      const result = await handleAgencyEvent(store, agencyId, event);
      logger.info('agency event', {
        agencyId,
        type: event.type,
        dossierCode: event.dossierCode,
        outcome: result.reason,
      });
      return { body: result };
    },
  },
  { agency: authenticateAgency },
);
