import * as z from 'zod';
import { health, openApiDocument } from '../../schemas/common.js';
import { defineRoute } from '../core/route.js';
import { PUBLIC } from '../core/route-access.js';

export const platformRoutes = [
  defineRoute({
    method: 'GET',
    path: '/health',
    fn: 'platform',
    operationId: 'health',
    access: PUBLIC,
    summary: 'Liveness',
    status: 200,
    response: health,
  }),
  defineRoute({
    method: 'GET',
    path: '/openapi.json',
    fn: 'platform',
    operationId: 'openapi',
    access: PUBLIC,
    summary: 'This API as OpenAPI 3.1',
    status: 200,
    response: openApiDocument,
  }),
  defineRoute({
    method: 'GET',
    path: '/docs',
    fn: 'platform',
    operationId: 'docs',
    access: PUBLIC,
    summary: 'This API for people to read: /openapi.json rendered in the browser',
    status: 200,
    response: z.string(),
    mediaType: 'text/html',
  }),
  defineRoute({
    method: 'GET',
    path: '/docs/redoc.standalone.js',
    fn: 'platform',
    operationId: 'docsScript',
    access: PUBLIC,
    summary: 'The renderer /docs loads (Redoc), served by the portal itself',
    status: 200,
    response: z.string(),
    mediaType: 'text/javascript',
  }),
] as const;
