import type { z } from 'zod';
import type { dossierParams, withdrawRequest } from '../../schemas/dossier.js';
import { readOwnership } from '../core/access-store.js';
import { httpFunction, type Operation, personOf } from '../core/http.js';
import { logger } from '../core/logger.js';
import { rateLimitStore } from '../core/rate-limit-store.js';
import { confirmResultReceived } from './complete.js';
import { discardDraft, intakeStore } from './store.js';
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
    const input = req.body as SubmitInput;
    const result = await submitDossier(store, person, key, input);
    // Filed: the draft has served. Failing to delete it leaves only a draft that expires on its own.
    await discardDraft(person.sub, input.procedureCode).catch((err: Error) =>
      logger.warn('draft not discarded', { procedureCode: input.procedureCode, error: err.name }),
    );
    return result;
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
