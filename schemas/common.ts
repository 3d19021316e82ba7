import { z } from 'zod';

/** Vietnamese text arrives in any Unicode form; the portal stores and compares NFC. */
export const nfcText = (max: number, min = 1) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .transform((s) => s.normalize('NFC'));

export const ulid = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a ULID');
export const isoDateTime = z.iso.datetime({ offset: true });

/** `<agency code>-YYMMDD-NNNN` (Circular 01/2018); the number widens past 9999 rather than wrapping. */
export const dossierCode = z
  .string()
  .regex(/^[A-Z0-9.]{2,24}-\d{6}-\d{4,}$/, 'expected a dossier code such as CAHN-261122-0001');

export const procedureCode = z
  .string()
  .regex(/^\d\.\d{6}$/, 'expected a national procedure code such as 1.001234');

export const errorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      messageVi: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
});

export const health = z.object({ status: z.literal('ok'), stage: z.string(), time: isoDateTime });

/** What a signed-in person may act as (token claim `role`, or the first Cognito group). */
export const personRole = z.enum([
  'citizen',
  'business',
  'desk_officer',
  'agency_officer',
  'catalog_admin',
  'operator',
]);
export type PersonRole = z.infer<typeof personRole>;
