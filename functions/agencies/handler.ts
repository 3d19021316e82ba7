import type { AgencyEvent } from '../../schemas/agency.js';
import type { PetitionAgencyEvent } from '../../schemas/petition.js';
import { agencyOf, httpFunction } from '../core/http.js';
import { logger } from '../core/logger.js';
import { handlePetitionEvent } from '../petitions/petitions.js';
import { type PetitionStore, petitionStore } from '../petitions/store.js';
import { handleAgencyEvent } from './events.js';
import { agencyEventStore } from './store.js';
import { authenticateAgency } from './verify.js';

let store: ReturnType<typeof agencyEventStore> | undefined;
let petitions: PetitionStore | undefined;

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
    postPetitionEvent: async (req) => {
      petitions ??= petitionStore();
      const { agencyId } = agencyOf(req);
      const event = req.body as PetitionAgencyEvent;
      const result = await handlePetitionEvent(petitions, agencyId, event);
      logger.info('agency petition event', {
        agencyId,
        type: event.type,
        petitionCode: event.petitionCode,
        outcome: result.reason,
      });
      return { body: result };
    },
  },
  { agency: authenticateAgency },
);
