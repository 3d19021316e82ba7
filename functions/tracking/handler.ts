import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { readOwnership } from '../core/access-store.js';
import { config } from '../core/config.js';
import { toOwnerView, toPublicView, toSubmissionView } from '../core/dossier.js';
import { FINAL_STATES } from '../core/dossier-state.js';
import { loadDossier, loadDossiers, loadDossierWithTimeline, loadSubmission } from '../core/dossier-store.js';
import { AppError } from '../core/errors.js';
import { type ApiRequest, httpFunction, type Operations, personOf } from '../core/http.js';
import { rateLimitStore } from '../core/rate-limit-store.js';
import { s3Client } from '../core/s3-client.js';
import { verifyTimeline } from '../core/timeline.js';
import { isTrackingKey } from '../core/tracking-key.js';
import { contentDisposition, type ResultPorts, resultOf } from '../documents/result-link.js';
import { loadRating } from '../feedback/store.js';
import { loadProfileKeys } from '../pii/profile-keys.js';
import { type DataRead, readerOf, recordRead } from '../pii/read-log.js';
import { readLogStore } from '../pii/read-log-store.js';
import { maskedForm, openForm } from '../pii/sealed-form.js';
import { computeSteps, stepViews } from '../steps/progress.js';
import { listAccessLog } from './access-log.js';
import { accessLogStore } from './access-log-store.js';
import { listAgencyDossiers } from './agency-dossiers.js';
import { agencyDossierStore } from './agency-store.js';
import { trackingRoutes } from './routes.js';

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

/** The dossier the route names; the access rule (functions/core/access.ts) has already let the caller reach it. */
async function namedDossier(req: ApiRequest<{ code: string }>) {
  const { code } = req.params;
  const { dossier, timeline } = await loadDossierWithTimeline(code);
  if (!dossier) throw new AppError('DOSSIER_NOT_FOUND');
  return { dossier, timeline };
}

/**
 * Records a read of the dossier by anyone but its owner (functions/pii/read-log.ts) before it is answered;
 * nothing for the owner. A record that cannot be written fails the read (503 READ_NOT_RECORDED): the
 * citizen never misses a read of their data, and the reader tries again.
 */
async function recordNonOwnerRead(
  req: ApiRequest,
  dossier: { code: string; ownerSub: string },
  read: Pick<DataRead, 'what' | 'reason'>,
) {
  const reader = readerOf(personOf(req), req.reach);
  if (!reader) return;
  await recordRead(
    readLogStore(),
    {
      at: new Date().toISOString(),
      requestId: req.requestId,
      dossierCode: dossier.code,
      ...reader,
      what: read.what,
      ...(read.reason ? { reason: read.reason } : {}),
    },
    dossier.ownerSub,
  );
}

/** The group's operations; the route table's access rules have been enforced before each runs. */
const operations = {
  getDossier: async (req) => {
    const { reveal, reason } = req.query;
    const { dossier, timeline } = await namedDossier(req);
    // Citizen ID and phone numbers in full for the owner who asks and for the officers processing the
    // dossier (the access rule let only the routed agency's through); masked for everyone else.
    if (reveal && req.reach !== 'owner' && req.reach !== 'agency') throw new AppError('FORBIDDEN');
    // Anyone else reading it (the agency's officers, the desk that filed it, the enterprise's other
    // representatives) is recorded first; a reveal is recorded as such.
    await recordNonOwnerRead(req, dossier, { what: reveal ? 'sealed_fields' : 'dossier', reason });
    const form = reveal ? openForm(dossier, await loadProfileKeys()) : maskedForm(dossier);
    const now = new Date();
    const steps = stepViews(computeSteps(dossier, timeline, now), true);
    // The owner sees their own rating, so a finished dossier is not offered the form twice.
    const rating =
      req.reach === 'owner' && FINAL_STATES.has(dossier.status) ? await loadRating(dossier.code) : undefined;
    return {
      body: { ...toOwnerView({ ...dossier, form }, timeline, now), steps, ...(rating ? { rating } : {}) },
      headers: { 'cache-control': 'no-store' },
    };
  },
  getSubmission: async (req) => {
    const { submissionId } = req.params;
    const submission = await loadSubmission(submissionId);
    if (!submission) throw new AppError('NOT_FOUND');
    const dossiers = await loadDossiers(submission.dossierCodes);
    return { body: toSubmissionView(submission, dossiers), headers: { 'cache-control': 'no-store' } };
  },
  getDossierResult: async (req) => {
    const { dossier } = await namedDossier(req);
    // The enterprise's other representatives and the filing desk download it too: recorded.
    if (dossier.result?.kind === 'electronic')
      await recordNonOwnerRead(req, dossier, { what: 'result', reason: req.query.reason });
    return { body: await resultOf(resultPorts, dossier), headers: { 'cache-control': 'no-store' } };
  },
  getDossierAccessLog: async (req) => {
    const { code } = req.params;
    const dossier = await loadDossier(code);
    if (!dossier) throw new AppError('DOSSIER_NOT_FOUND');
    const log = await listAccessLog(accessLogStore(), dossier, req.query);
    return { body: log, headers: { 'cache-control': 'no-store' } };
  },
  // Not recorded: the answer is whether the hash chain holds and how many events it has, nothing of the
  // citizen's data.
  verifyTimeline: async (req) => {
    const { dossier, timeline } = await namedDossier(req);
    return { body: verifyTimeline(dossier, timeline), headers: { 'cache-control': 'no-store' } };
  },
  // Not recorded: each item is the dossier's code, procedure, agency, status and dates — no name, number,
  // form or file of the citizen (schemas/me.ts myDossierItem; the enterprise's tax code is no person's).
  listAgencyDossiers: async (req) => ({
    body: await listAgencyDossiers(agencyDossierStore(), personOf(req).agencyId, req.query),
    headers: { 'cache-control': 'no-store' },
  }),
  trackDossier: async (req) => {
    const { code } = req.params;
    const { key } = req.query;
    const { dossier, timeline } = await loadDossierWithTimeline(code);
    // A wrong key answers exactly as a code never issued: the answer tells nothing about the code.
    if (!dossier || !isTrackingKey(dossier.trackingKey, key)) throw new AppError('DOSSIER_NOT_FOUND');
    const now = new Date();
    // Who acted is for the owner's eyes: public tracking shows the steps without officers.
    const steps = stepViews(computeSteps(dossier, timeline, now), false);
    return {
      body: { ...toPublicView(dossier, timeline, now), steps },
      headers: { 'cache-control': 'no-store' },
    };
  },
} satisfies Operations<typeof trackingRoutes>;

export const handler = httpFunction(trackingRoutes, operations, {
  ownership: readOwnership,
  rateLimits: rateLimitStore,
});
