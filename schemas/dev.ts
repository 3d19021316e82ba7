import { z } from 'zod';
import { personRole as role } from './common.js';

export const devTokenRequest = z
  .object({
    sub: z.string().min(1).max(128),
    role: role.default('citizen'),
    name: z.string().max(200).optional(),
    /** For an agency officer: the agency they work for. */
    agencyId: z.string().min(1).max(40).optional(),
  })
  .strict()
  .refine((t) => t.agencyId === undefined || t.role === 'agency_officer', {
    message: 'only an agency officer works for an agency',
    path: ['agencyId'],
  });
export const devTokenResponse = z.object({ token: z.string(), expiresIn: z.number().int() });
export const devJwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });
