import { readOwnership } from '../core/access-store.js';
import { agencyOf, httpFunction, personOf } from '../core/http.js';
import { logger } from '../core/logger.js';
import { type FileCaller, fetchAttachment } from '../documents/agency-files.js';
import { readerOf } from '../pii/read-log.js';
import { agencyFileRoutes } from './files-routes.js';
import { attachmentFetchStore } from './files-store.js';
import { authenticateAgency } from './verify.js';

let store: ReturnType<typeof attachmentFetchStore> | undefined;

// A link to a citizen's file is never kept by a cache.
const NO_STORE = { 'cache-control': 'no-store' };

export const handler = httpFunction(
  agencyFileRoutes,
  {
    getAgencyAttachment: async (req) => {
      store ??= attachmentFetchStore();
      const { agencyId } = agencyOf(req);
      const { code, attachmentId } = req.params;
      const request = {
        webhookId: req.headers['webhook-id'] ?? '',
        timestamp: req.headers['webhook-timestamp'] ?? '',
      };
      const link = await fetchAttachment(
        store,
        { kind: 'agency_system', agencyId, request },
        code,
        attachmentId,
      );
      // Which agency fetched which file of which dossier; never the file's name or the link.
      logger.info('agency fetched a file', {
        agencyId,
        dossierCode: code,
        attachmentId,
        via: 'agency_system',
      });
      return { body: link, headers: NO_STORE };
    },
    getDossierAttachment: async (req) => {
      store ??= attachmentFetchStore();
      const { code, attachmentId } = req.params;
      // The access rule let in the dossier's own side or an officer of the agency it is routed to; all
      // but the owner are recorded (functions/pii/read-log.ts).
      const reader = readerOf(personOf(req), req.reach);
      const caller: FileCaller = reader
        ? {
            kind: 'reader',
            reader,
            requestId: req.requestId,
            ...(req.query.reason ? { reason: req.query.reason } : {}),
          }
        : { kind: 'owner' };
      const link = await fetchAttachment(store, caller, code, attachmentId);
      if (reader)
        logger.info('a file was fetched by someone other than its owner', {
          ...(reader.agencyId ? { agencyId: reader.agencyId } : {}),
          dossierCode: code,
          attachmentId,
          via: reader.via,
        });
      return { body: link, headers: NO_STORE };
    },
  },
  { agency: authenticateAgency, ownership: readOwnership },
);
