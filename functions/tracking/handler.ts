import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { z } from 'zod';
import type { dossierParams, dossierViewQuery, submissionParams } from '../../schemas/dossier.js';
import { s3Client } from '../core/clients.js';
import { config } from '../core/config.js';
import { toOwnerView, toPublicView, toSubmissionView } from '../core/dossier.js';
import { loadDossier, loadDossiers, loadSubmission, loadTimeline } from '../core/dossier-store.js';
import { AppError } from '../core/errors.js';
import { type ApiRequest, httpFunction, personOf } from '../core/http.js';
import { verifyTimeline } from '../core/timeline.js';
import { mayReachOwned } from '../intake/reach.js';
import { maskedForm, openForm } from '../intake/sealed-form.js';
import { loadProfileKeys } from '../me/store.js';
import { contentDisposition, type ResultPorts, resultOf } from './result.js';

const resultPorts: ResultPorts = {
  now: () => new Date(),
  presign: (Key, fileName, contentType, expiresIn) =>
    getSignedUrl(
      s3Client(),
      new GetObjectCommand({
        Bucket: config().UPLOADS_BUCKET,
        Key,
        ResponseContentType: contentType,
        ResponseContentDisposition: contentDisposition(fileName),
      }),
      { expiresIn },
    ),
};

/**
 * The caller's own dossier (or their enterprise's, or one they filed at the desk); someone else's
 * answers exactly like a missing one, so codes cannot be probed.
 */
async function ownDossier(req: ApiRequest) {
  const { code } = req.params as z.output<typeof dossierParams>;
  const [dossier, timeline] = await Promise.all([loadDossier(code), loadTimeline(code)]);
  if (!dossier || !mayReachOwned(personOf(req), dossier)) throw new AppError('DOSSIER_NOT_FOUND');
  return { dossier, timeline };
}

export const handler = httpFunction('tracking', {
  getDossier: async (req) => {
    const { reveal } = req.query as z.output<typeof dossierViewQuery>;
    const { dossier, timeline } = await ownDossier(req);
    // Citizen ID and phone numbers in full for the owner who asks; masked for everyone else.
    if (reveal && dossier.ownerSub !== personOf(req).sub) throw new AppError('FORBIDDEN');
    const form = reveal ? openForm(dossier, await loadProfileKeys()) : maskedForm(dossier);
    return { body: toOwnerView({ ...dossier, form }, timeline), headers: { 'cache-control': 'no-store' } };
  },
  getSubmission: async (req) => {
    const { submissionId } = req.params as z.output<typeof submissionParams>;
    const submission = await loadSubmission(submissionId);
    if (!submission || !mayReachOwned(personOf(req), submission)) throw new AppError('NOT_FOUND');
    const dossiers = await loadDossiers(submission.dossierCodes);
    return { body: toSubmissionView(submission, dossiers), headers: { 'cache-control': 'no-store' } };
  },
  getDossierResult: async (req) => {
    const { dossier } = await ownDossier(req);
    return { body: await resultOf(resultPorts, dossier), headers: { 'cache-control': 'no-store' } };
  },
  verifyTimeline: async (req) => {
    const { dossier, timeline } = await ownDossier(req);
    return { body: verifyTimeline(dossier, timeline), headers: { 'cache-control': 'no-store' } };
  },
  trackDossier: async (req) => {
    const { code } = req.params as z.output<typeof dossierParams>;
    const [dossier, timeline] = await Promise.all([loadDossier(code), loadTimeline(code)]);
    if (!dossier) throw new AppError('DOSSIER_NOT_FOUND');
    return { body: toPublicView(dossier, timeline), headers: { 'cache-control': 'no-store' } };
  },
});
