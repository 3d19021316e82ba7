import type { z } from 'zod';
import type { createUploadRequest } from '../../schemas/upload.js';
import { httpFunction, personOf } from '../core/http.js';
import { rateLimitStore } from '../core/rate-limit-store.js';
import { createUpload } from '../documents/uploads.js';

export const handler = httpFunction(
  'uploads',
  {
    createUpload: async (req) => ({
      body: await createUpload(personOf(req).sub, req.body as z.output<typeof createUploadRequest>),
    }),
  },
  { rateLimits: rateLimitStore },
);
