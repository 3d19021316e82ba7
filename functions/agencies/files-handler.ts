import { ulid } from 'ulidx';
import type { z } from 'zod';
import type { agencyAttachmentParams } from '../../schemas/agency.js';
import { readOwnership } from '../core/access-store.js';
import { agencyOf, httpFunction, personOf } from '../core/http.js';
import { logger } from '../core/logger.js';
import { type FileCaller, fetchAttachment } from '../documents/agency-files.js';
import { attachmentFetchStore } from './files-store.js';
import { authenticateAgency } from './verify.js';

let store: ReturnType<typeof attachmentFetchStore> | undefined;

// A link to a citizen's file is never kept by a cache.
const NO_STORE = { 'cache-control': 'no-store' };

export const handler = httpFunction(
  'agencyFiles',
  {
    getAgencyAttachment: async (req) => {
      store ??= attachmentFetchStore();
      const { agencyId } = agencyOf(req);
      const { code, attachmentId } = req.params as z.output<typeof agencyAttachmentParams>;
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
      const { code, attachmentId } = req.params as z.output<typeof agencyAttachmentParams>;
      // The access rule let in the dossier's own side or an officer of the agency it is routed to.
      const person = personOf(req);
      const caller: FileCaller =
        req.reach === 'agency' && person.agencyId
          ? { kind: 'agency_officer', agencyId: person.agencyId, requestId: ulid() }
          : { kind: 'owner' };
      const link = await fetchAttachment(store, caller, code, attachmentId);
      if (caller.kind === 'agency_officer')
        logger.info('agency fetched a file', {
          agencyId: caller.agencyId,
          dossierCode: code,
          attachmentId,
          via: 'agency_officer',
        });
      return { body: link, headers: NO_STORE };
    },
  },
  { agency: authenticateAgency, ownership: readOwnership },
);
