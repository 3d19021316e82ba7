import { httpFunction, personOf } from '../core/http.js';
import { rateLimitStore } from '../core/rate-limit-store.js';
import { createUpload } from '../documents/uploads.js';
import { uploadsRoutes } from './routes.js';

export const handler = httpFunction(
  uploadsRoutes,
  {
    createUpload: async (req) => ({
      body: await createUpload(personOf(req).sub, req.body),
    }),
  },
  { rateLimits: rateLimitStore },
);
