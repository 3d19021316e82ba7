import { z } from 'zod';
import { personRole as role } from './common.js';

export const devTokenRequest = z
  .object({
    sub: z.string().min(1).max(128),
    role: role.default('citizen'),
    name: z.string().max(200).optional(),
  })
  .strict();
export const devTokenResponse = z.object({ token: z.string(), expiresIn: z.number().int() });
export const devJwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });
