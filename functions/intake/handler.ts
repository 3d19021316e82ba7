import { httpFunction, personOf } from '../core/http.js';
import { intakeStore } from './store.js';
import { type SubmitInput, submitDossier } from './submit.js';

let store: ReturnType<typeof intakeStore> | undefined;

export const handler = httpFunction('intake', {
  submitDossier: async (req) => {
    store ??= intakeStore();
    const key = req.headers['idempotency-key']!;
    return submitDossier(store, personOf(req).sub, key, req.body as SubmitInput);
  },
});
