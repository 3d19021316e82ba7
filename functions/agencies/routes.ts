import { agencyEvent, agencyEventResult } from '../../schemas/agency.js';
import { petitionAgencyEvent, petitionEventResult } from '../../schemas/petition-agency.js';
import { supportAgencyEvent, supportEventResult } from '../../schemas/support-agency.js';
import { defineRoute } from '../core/route.js';

export const agencyEventRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/agency/events',
    fn: 'agencyEvents',
    operationId: 'postAgencyEvent',
    access: { kind: 'agencySignature' },
    summary: 'An agency reports a step of a dossier (Standard Webhooks signed)',
    body: agencyEvent,
    status: 200,
    response: agencyEventResult,
    errors: [409],
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/agency/petition-events',
    fn: 'agencyEvents',
    operationId: 'postPetitionEvent',
    access: { kind: 'agencySignature' },
    summary:
      'An agency assigns, answers, rejects or reassigns a petition routed to it (Standard Webhooks signed)',
    body: petitionAgencyEvent,
    status: 200,
    response: petitionEventResult,
    errors: [409],
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/agency/support-events',
    fn: 'agencyEvents',
    operationId: 'postSupportEvent',
    access: { kind: 'agencySignature' },
    summary:
      'An agency answers a support ticket handed to it, or returns it to the desk (Standard Webhooks signed)',
    body: supportAgencyEvent,
    status: 200,
    response: supportEventResult,
    errors: [409],
  }),
] as const;
