import type { z } from 'zod';
import type { dossierParams } from '../../schemas/dossier.js';
import { toOwnerView, toPublicView } from '../core/dossier.js';
import { loadDossier, loadTimeline } from '../core/dossier-store.js';
import { AppError } from '../core/errors.js';
import { httpFunction, personOf } from '../core/http.js';

export const handler = httpFunction('tracking', {
  getDossier: async (req) => {
    const { code } = req.params as z.output<typeof dossierParams>;
    const [dossier, timeline] = await Promise.all([loadDossier(code), loadTimeline(code)]);
    // Someone else's dossier answers exactly like a missing one, so codes cannot be probed.
    if (!dossier || dossier.ownerSub !== personOf(req).sub) throw new AppError('DOSSIER_NOT_FOUND');
    return { body: toOwnerView(dossier, timeline), headers: { 'cache-control': 'no-store' } };
  },
  trackDossier: async (req) => {
    const { code } = req.params as z.output<typeof dossierParams>;
    const [dossier, timeline] = await Promise.all([loadDossier(code), loadTimeline(code)]);
    if (!dossier) throw new AppError('DOSSIER_NOT_FOUND');
    return { body: toPublicView(dossier, timeline), headers: { 'cache-control': 'no-store' } };
  },
});
