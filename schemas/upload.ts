import * as z from 'zod';
import { isoDateTime, ulid } from './common.js';

/** MIME types the portal accepts for scans; each procedure narrows this per document. */
export const scanMimeType = z.enum(['application/pdf', 'image/jpeg', 'image/png']);

export const createUploadRequest = z
  .object({
    fileName: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .refine(
        (name) => !/[/\\]/.test(name) && ![...name].some((c) => c.charCodeAt(0) < 0x20),
        'file name must not contain path separators or control characters',
      )
      .transform((s) => s.normalize('NFC')),
    contentType: scanMimeType,
    size: z
      .number()
      .int()
      .min(1)
      .max(20 * 1024 * 1024),
  })
  .strict()
  .meta({ id: 'CreateUploadRequest' });

export const createUploadResponse = z
  .object({
    uploadId: ulid,
    url: z.url(),
    fields: z.record(z.string(), z.string()),
    expiresAt: isoDateTime,
  })
  .meta({ id: 'CreateUploadResponse' });
