import { readOwnership } from '../core/access-store.js';
import { httpFunction, type Operations, personOf } from '../core/http.js';
import { rateLimitStore } from '../core/rate-limit-store.js';
import { confirmResultReceived } from './complete.js';
import { intakeRoutes } from './routes.js';
import { intakeStore } from './store.js';
import { submitDossier } from './submit.js';
import { supplementDossier } from './supplement.js';
import { citizenStepStore } from './supplement-store.js';
import { withdrawDossier } from './withdraw.js';

let store: ReturnType<typeof intakeStore> | undefined;
let steps: ReturnType<typeof citizenStepStore> | undefined;

/** The group's operations; the route table's access rules have been enforced before each runs. */
const operations = {
  submitDossier: async (req) => {
    store ??= intakeStore();
    const key = req.headers['idempotency-key']!;
    const person = personOf(req);
    // Filed: the draft has served, and goes in the same commit as the dossier.
    return submitDossier(store, person, key, req.body, req.accountLimit);
  },
  supplementDossier: async (req) => {
    steps ??= citizenStepStore();
    const { code } = req.params;
    const key = req.headers['idempotency-key']!;
    return supplementDossier(steps, personOf(req).sub, code, key, req.body);
  },
  withdrawDossier: async (req) => {
    steps ??= citizenStepStore();
    const { code } = req.params;
    const { reason } = req.body;
    return { body: await withdrawDossier(steps, code, reason) };
  },
  confirmResultReceived: async (req) => {
    steps ??= citizenStepStore();
    const { code } = req.params;
    return { body: await confirmResultReceived(steps, code) };
  },
} satisfies Operations<typeof intakeRoutes>;

export const handler = httpFunction(intakeRoutes, operations, {
  ownership: readOwnership,
  rateLimits: rateLimitStore,
});
