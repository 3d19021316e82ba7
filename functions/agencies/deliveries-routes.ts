import {
  agencyDeliveriesQuery,
  agencyDeliveryList,
  redeliveryAccepted,
  redeliveryRequest,
} from '../../schemas/agency-deliveries.js';
import { defineRoute } from '../core/route.js';

export const agencyDeliveryRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/agency/deliveries',
    fn: 'agencyDeliveries',
    operationId: 'listAgencyDeliveries',
    access: { kind: 'agencySignature', officers: true },
    summary:
      "My agency's delivery log: every attempt to deliver to its endpoint, newest first (signed GET or officer)",
    query: agencyDeliveriesQuery,
    status: 200,
    response: agencyDeliveryList,
    errors: [403],
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/agency/redeliveries',
    fn: 'agencyDeliveries',
    operationId: 'requestRedelivery',
    access: { kind: 'agencySignature', officers: true },
    summary:
      "Deliver my agency's webhooks again under their own webhook-ids: one dossier's, a time window's, or its dead letters",
    body: redeliveryRequest,
    status: 202,
    response: redeliveryAccepted,
    errors: [403, 404, 422],
    rateLimit: 'redeliveries',
  }),
] as const;
