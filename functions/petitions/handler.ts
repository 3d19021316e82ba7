/** The petitions function group: petitioners' submissions and views, agencies' work list, public answers. */
import { readOwnership } from '../core/access-store.js';
import { decodeCursor, encodeCursor } from '../core/cursor.js';
import { AppError } from '../core/errors.js';
import { httpFunction, personOf } from '../core/http.js';
import { rateLimitStore } from '../core/rate-limit-store.js';
import { submitPetition, summaryOf, viewOf } from './petitions.js';
import { petitionsRoutes } from './routes.js';
import { PublishedAnswers } from './search.js';
import { type PetitionStore, petitionStore } from './store.js';

let store: PetitionStore | undefined;
let published: PublishedAnswers | undefined;
const ports = () => {
  store ??= petitionStore();
  return store;
};

export const handler = httpFunction(
  petitionsRoutes,
  {
    submitPetition: async (req) => {
      const key = req.headers['idempotency-key']!;
      return submitPetition(ports(), personOf(req), key, req.body);
    },
    getPetition: async (req) => {
      const { code } = req.params;
      // The access rule (functions/core/access.ts) has already hidden everyone else's petitions.
      const p = await ports().loadPetition(code);
      if (!p) throw new AppError('PETITION_NOT_FOUND');
      return { body: viewOf(p, await ports().loadTimeline(code), new Date()) };
    },
    listMyPetitions: async (req) => {
      const q = req.query;
      const person = personOf(req);
      // A representative sees every petition filed for the enterprise, whoever of its people sent it.
      const page =
        person.role === 'business' && person.taxCode
          ? await ports().listForEnterprise(person.taxCode, q.limit, q.cursor)
          : await ports().listOwned(person.sub, q.limit, q.cursor);
      const now = new Date();
      return { body: { items: page.items.map((p) => summaryOf(p, now)), nextCursor: page.nextCursor } };
    },
    listAgencyPetitions: async (req) => {
      const q = req.query;
      const { agencyId } = personOf(req);
      if (!agencyId) throw new AppError('FORBIDDEN');
      const page = await ports().listForAgency(agencyId, q.limit, q.cursor);
      const now = new Date();
      return {
        body: {
          items: page.items.map((p) => ({
            ...summaryOf(p, now),
            content: p.content,
            ...(p.procedureCode ? { procedureCode: p.procedureCode } : {}),
            escalations: p.escalations,
          })),
          nextCursor: page.nextCursor,
        },
      };
    },
    searchPublishedPetitions: async (req) => {
      const q = req.query;
      published ??= new PublishedAnswers(ports().published);
      // Pages over the in-memory list of published answers: no table partition to name.
      const after = decodeCursor(q.cursor, ['after'], {})?.after;
      const page = await published.search(q.q, q.limit, after);
      return {
        body: {
          items: page.items,
          nextCursor: encodeCursor(page.last ? { after: page.last } : undefined),
        },
      };
    },
  },
  { ownership: readOwnership, rateLimits: rateLimitStore },
);
