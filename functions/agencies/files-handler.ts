import type { z } from 'zod';
import type { agencyAttachmentParams } from '../../schemas/agency.js';
import { agencyOf, httpFunction } from '../core/http.js';
import { logger } from '../core/logger.js';
import { fetchAttachment } from './files.js';
import { attachmentFetchStore } from './files-store.js';
import { authenticateAgency } from './verify.js';

let store: ReturnType<typeof attachmentFetchStore> | undefined;

export const handler = httpFunction(
  'agencyFiles',
  {
    getAgencyAttachment: async (req) => {
      store ??= attachmentFetchStore();
      const { agencyId } = agencyOf(req);
      const { code, attachmentId } = req.params as z.output<typeof agencyAttachmentParams>;
      const link = await fetchAttachment(store, agencyId, code, attachmentId, {
        webhookId: req.headers['webhook-id'] ?? '',
        timestamp: req.headers['webhook-timestamp'] ?? '',
      });
      // Which agency fetched which file of which dossier; never the file's name or the link.
      logger.info('agency fetched a file', { agencyId, dossierCode: code, attachmentId });
      // A link to a citizen's file is never kept by a cache.
      return { body: link, headers: { 'cache-control': 'no-store' } };
    },
  },
  { agency: authenticateAgency },
);
