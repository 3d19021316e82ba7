import {
  publicJwks,
  sharedDocument,
  sharedParams,
  verificationView,
  verifyParams,
} from '../../schemas/results.js';
import { defineRoute } from '../core/route.js';
import { PUBLIC } from '../core/route-access.js';

export const resultsRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/verify/keys',
    fn: 'results',
    operationId: 'resultSigningKeys',
    access: PUBLIC,
    summary: "The public keys (JWKS) that verify electronic results' signatures offline",
    status: 200,
    response: publicJwks,
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/verify/{documentId}',
    fn: 'results',
    operationId: 'verifyResult',
    access: PUBLIC,
    summary:
      'Is this electronic result genuine? genuine, revoked, replaced or unknown, with the document type, ' +
      'issuer and date, and the signed record with its signature',
    params: verifyParams,
    status: 200,
    response: verificationView,
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/shared/{token}',
    fn: 'results',
    operationId: 'openSharedDocument',
    access: PUBLIC,
    summary: "A document its holder shared: a 5-minute download link (recorded in the holder's access log)",
    params: sharedParams,
    status: 200,
    response: sharedDocument,
    errors: [429],
    rateLimit: 'tracking',
  }),
] as const;
