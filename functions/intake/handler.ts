import type { z } from 'zod';
import type { dossierParams, withdrawRequest } from '../../schemas/dossier.js';
import { readOwnership } from '../core/access-store.js';
import { httpFunction, type Operation, personOf } from '../core/http.js';
import { rateLimitStore } from '../core/rate-limit-store.js';
import { confirmResultReceived } from './complete.js';
import { intakeStore } from './store.js';
import { type SubmitInput, submitDossier } from './submit.js';
import { type SupplementInput, supplementDossier } from './supplement.js';
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
    return submitDossier(store, person, key, req.body as SubmitInput);
  },
  supplementDossier: async (req) => {
    steps ??= citizenStepStore();
    const { code } = req.params as z.output<typeof dossierParams>;
    const key = req.headers['idempotency-key']!;
    return supplementDossier(steps, personOf(req).sub, code, key, req.body as SupplementInput);
  },
  withdrawDossier: async (req) => {
    steps ??= citizenStepStore();
    const { code } = req.params as z.output<typeof dossierParams>;
    const { reason } = req.body as z.output<typeof withdrawRequest>;
    return { body: await withdrawDossier(steps, code, reason) };
  },
  confirmResultReceived: async (req) => {
    steps ??= citizenStepStore();
    const { code } = req.params as z.output<typeof dossierParams>;
    return { body: await confirmResultReceived(steps, code) };
  },
} satisfies Record<string, Operation>;

export const handler = httpFunction('intake', operations, {
  ownership: readOwnership,
  rateLimits: rateLimitStore,
});
