import {
  AGENCY_ATTACHMENT_PATH,
  agencyAttachmentParams,
  attachmentLink,
} from '../../schemas/dossier-delivery.js';
import { readQuery } from '../../schemas/reads.js';
import { defineRoute } from '../core/route.js';

export const agencyFileRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/dossiers/{code}/attachments/{attachmentId}',
    fn: 'agencyFiles',
    operationId: 'getDossierAttachment',
    access: { kind: 'owned', object: 'dossier', agencyOfficers: true },
    summary:
      "A file of the dossier: a 5-minute download link with its SHA-256, for the dossier's own side and " +
      "the officers of the agency it is routed to (a fetch by anyone but the owner is recorded in the owner's " +
      'access log, with the reason given)',
    params: agencyAttachmentParams,
    query: readQuery,
    status: 200,
    response: attachmentLink,
  }),
  defineRoute({
    method: 'GET',
    path: AGENCY_ATTACHMENT_PATH,
    fn: 'agencyFiles',
    operationId: 'getAgencyAttachment',
    access: { kind: 'agencySignature' },
    summary:
      'A file of a dossier routed to the agency: a 5-minute download link with its SHA-256 ' +
      '(Standard Webhooks signed; a GET signs `GET {path}`, each signed request is good once)',
    params: agencyAttachmentParams,
    status: 200,
    response: attachmentLink,
  }),
] as const;
