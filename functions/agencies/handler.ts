import { agencyOf, httpFunction } from '../core/http.js';
import { logger } from '../core/logger.js';
import { handlePetitionEvent } from '../petitions/petitions.js';
import { petitionEventStore } from '../petitions/store.js';
import { ticketEventStore } from '../support/store.js';
import { handleSupportEvent } from '../support/tickets.js';
import { handleAgencyEvent } from './events.js';
import { agencyEventRoutes } from './routes.js';
import { agencyEventStore } from './store.js';
import { authenticateAgency } from './verify.js';

let store: ReturnType<typeof agencyEventStore> | undefined;
let petitions: ReturnType<typeof petitionEventStore> | undefined;
let support: ReturnType<typeof ticketEventStore> | undefined;

export const handler = httpFunction(
  agencyEventRoutes,
  {
    postAgencyEvent: async (req) => {
      store ??= agencyEventStore();
      const { agencyId } = agencyOf(req);
      const event = req.body;
      const result = await handleAgencyEvent(store, agencyId, event);
      logger.info('agency event', {
        agencyId,
        type: event.type,
        dossierCode: event.dossierCode,
        outcome: result.reason,
      });
      return { body: result };
    },
    postPetitionEvent: async (req) => {
      petitions ??= petitionEventStore();
      const { agencyId } = agencyOf(req);
      const event = req.body;
      const result = await handlePetitionEvent(petitions, agencyId, event);
      logger.info('agency petition event', {
        agencyId,
        type: event.type,
        petitionCode: event.petitionCode,
        outcome: result.reason,
      });
      return { body: result };
    },
    postSupportEvent: async (req) => {
      support ??= ticketEventStore();
      const { agencyId } = agencyOf(req);
      const event = req.body;
      const result = await handleSupportEvent(support, agencyId, event);
      logger.info('agency support event', {
        agencyId,
        type: event.type,
        ticketCode: event.ticketCode,
        outcome: result.reason,
      });
      return { body: result };
    },
  },
  { agency: authenticateAgency },
);
