import { createUploadRequest, createUploadResponse } from '../../schemas/upload.js';
import { defineRoute } from '../core/route.js';
import { APPLICANTS } from '../core/route-access.js';

export const uploadsRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/uploads',
    fn: 'uploads',
    operationId: 'createUpload',
    access: { kind: 'self', roles: APPLICANTS },
    summary: 'Presigned POST for one scanned document',
    body: createUploadRequest,
    status: 201,
    response: createUploadResponse,
    rateLimit: 'uploads',
  }),
] as const;
