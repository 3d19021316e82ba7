import { AppError } from '../core/errors.js';
import { type ApiRequest, httpFunction, personOf } from '../core/http.js';
import { keys } from '../core/keys.js';
import { logger, personRef } from '../core/logger.js';
import { portalUrl } from '../core/portal-url.js';
import { localDate } from '../core/working-days.js';
import { downloadMyDocument, listMyAccessLog, shareMyDocument } from '../documents/library.js';
import { accessLogPorts, qrSvg, sharePorts } from '../documents/result-store.js';
import { exportPetitions } from '../petitions/petitions.js';
import { petitionStore } from '../petitions/store.js';
import { exportDataRequests } from '../pii/data-requests.js';
import { exportDossiers, listIndexedDossiers, listMyDocuments, listMyDossiers } from './account.js';
import { draftStore } from './draft-store.js';
import { deleteDraft, listDrafts, readDraft, saveDraft } from './drafts.js';
import { currentProcedure, formFields, prefill } from './prefill.js';
import { etagOf, readProfile, replaceProfile } from './profile.js';
import { meRoutes } from './routes.js';
import { accountStore, profileStore } from './store.js';

/** Personal data: never cached by a browser or a proxy. */
const PRIVATE = { 'cache-control': 'no-store' };

const subOf = (req: ApiRequest) => personOf(req).sub;

export const handler = httpFunction(meRoutes, {
  getMyProfile: async (req) => {
    const { reveal } = req.query;
    const view = await readProfile(profileStore(), subOf(req), reveal);
    if (!view) throw new AppError('NOT_FOUND');
    return { body: view, headers: { ...PRIVATE, etag: etagOf(view.version) } };
  },
  putMyProfile: async (req) => {
    const person = personOf(req);
    const { sub } = person;
    const { view, created } = await replaceProfile(profileStore(), person, req.body, req.headers['if-match']);
    logger.info('profile saved', { person: personRef(sub), version: view.version, created });
    return { status: created ? 201 : 200, body: view, headers: { ...PRIVATE, etag: etagOf(view.version) } };
  },
  prefillMyForm: async (req) => {
    const { code } = req.params;
    const procedure = currentProcedure(code);
    if (!procedure) throw new AppError('PROCEDURE_NOT_FOUND');
    const person = personOf(req);
    const profile = await readProfile(profileStore(), person.sub, true);
    const { form, filled } = prefill(formFields(procedure.formId), profile, person);
    return {
      body: {
        procedureCode: code,
        procedureVersion: procedure.version,
        form,
        filled,
        fromProfile: !!profile,
      },
      headers: PRIVATE,
    };
  },
  listMyDossiers: async (req) => {
    const person = personOf(req);
    const q = req.query;
    // A representative sees the enterprise's dossiers; a desk officer what they filed for citizens.
    const body =
      person.role === 'business' && person.taxCode
        ? await listIndexedDossiers(
            accountStore(),
            keys.enterpriseIndex(person.taxCode, 'DOSSIER', '').gsi3pk,
            q,
          )
        : person.role === 'desk_officer'
          ? await listIndexedDossiers(accountStore(), keys.filedByIndex(person.sub, 'DOSSIER', '').gsi3pk, q)
          : await listMyDossiers(accountStore(), person.sub, q);
    return { body, headers: PRIVATE };
  },
  listMyDocuments: async (req) => ({
    body: await listMyDocuments(accountStore(await portalUrl()), subOf(req), req.query),
    headers: PRIVATE,
  }),
  getMyDraft: async (req) => {
    const { code } = req.params;
    const view = await readDraft(draftStore(), subOf(req), code);
    return { body: view, headers: { ...PRIVATE, etag: etagOf(view.version) } };
  },
  putMyDraft: async (req) => {
    const { code } = req.params;
    const sub = subOf(req);
    const { view, created } = await saveDraft(draftStore(), sub, code, req.body, req.headers['if-match']);
    logger.info('draft saved', { person: personRef(sub), procedureCode: code, version: view.version });
    return { status: created ? 201 : 200, body: view, headers: { ...PRIVATE, etag: etagOf(view.version) } };
  },
  listMyDrafts: async (req) => ({
    body: await listDrafts(draftStore(), subOf(req), req.query, (code) => currentProcedure(code)?.name),
    headers: PRIVATE,
  }),
  deleteMyDraft: async (req) => {
    const { code } = req.params;
    return { body: await deleteDraft(draftStore(), subOf(req), code), headers: PRIVATE };
  },
  downloadMyDocument: async (req) => {
    const { documentId } = req.params;
    const body = await downloadMyDocument(sharePorts(), qrSvg, subOf(req), documentId, await portalUrl());
    return { body, headers: PRIVATE };
  },
  shareMyDocument: async (req) => {
    const sub = subOf(req);
    const { documentId } = req.params;
    const { expiresInHours } = req.body;
    const body = await shareMyDocument(sharePorts(), sub, documentId, expiresInHours, await portalUrl());
    logger.info('document shared', { person: personRef(sub), hours: expiresInHours });
    return { status: 201, body, headers: PRIVATE };
  },
  listMyAccessLog: async (req) => ({
    body: await listMyAccessLog(accessLogPorts(), subOf(req), req.query),
    headers: PRIVATE,
  }),
  exportMyData: async (req) => {
    const sub = subOf(req);
    const [profile, dossiers, petitions, dataRequests] = await Promise.all([
      readProfile(profileStore(), sub, true),
      exportDossiers(accountStore(), sub),
      exportPetitions(petitionStore(), sub, new Date()),
      exportDataRequests(sub, new Date()),
    ]);
    const now = new Date();
    const exportedAt = now.toISOString();
    logger.info('account exported', {
      person: personRef(sub),
      dossiers: dossiers.length,
      petitions: petitions.length,
    });
    return {
      body: { exportedAt, subject: sub, profile: profile ?? null, dossiers, petitions, dataRequests },
      headers: {
        ...PRIVATE,
        'content-disposition': `attachment; filename="cong-export-${localDate(now)}.json"`,
      },
    };
  },
});
