import { devJwks, devTokenRequest, devTokenResponse } from '../../schemas/dev.js';
import { devOutboxList, devOutboxQuery } from '../../schemas/notification.js';
import { defineRoute } from '../core/route.js';
import { DEV } from '../core/route-access.js';

export const devRoutes = [
  defineRoute({
    method: 'POST',
    path: '/dev/token',
    fn: 'dev',
    operationId: 'devToken',
    access: DEV,
    summary: 'Local mode only: a signed test token',
    body: devTokenRequest,
    status: 200,
    response: devTokenResponse,
  }),
  defineRoute({
    method: 'GET',
    path: '/dev/jwks.json',
    fn: 'dev',
    operationId: 'devJwks',
    access: DEV,
    summary: 'Local mode only: the public keys that verify test tokens',
    status: 200,
    response: devJwks,
  }),
  defineRoute({
    method: 'GET',
    path: '/dev/outbox',
    fn: 'dev',
    operationId: 'devOutbox',
    access: DEV,
    summary: 'Local mode only: the notifications sent (SMS, e-mail, agency notices), newest first',
    query: devOutboxQuery,
    status: 200,
    response: devOutboxList,
  }),
] as const;
