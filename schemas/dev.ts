import * as z from 'zod';
import { personRole as role } from './common.js';

export const devTokenRequest = z
  .object({
    sub: z.string().min(1).max(128),
    role: role.default('citizen'),
    name: z.string().max(200).optional(),
    /** For an agency officer or a one-stop desk officer: the agency they work at. */
    agencyId: z.string().min(1).max(40).optional(),
    /** For a business representative: the enterprise's tax code. */
    taxCode: z
      .string()
      .regex(/^\d{10}(-\d{3})?$/, 'expected a tax code of 10 digits, or 13 with a branch')
      .optional(),
    /** The citizen ID (CCCD) the sign-in verified, as VNeID vouches for it in AWS; absent: not verified. */
    citizenId: z
      .string()
      .regex(/^\d{12}$/, 'expected the 12 digits of a citizen ID (CCCD)')
      .optional(),
    /** For a support agent of one province's desk (none: the national desk). */
    provinceCode: z
      .string()
      .regex(/^\d{2}$/, 'a province code such as 01')
      .optional(),
  })
  .strict()
  .refine((t) => t.agencyId === undefined || t.role === 'agency_officer' || t.role === 'desk_officer', {
    message: 'only agency and desk officers work at an agency',
    path: ['agencyId'],
  })
  .refine((t) => t.provinceCode === undefined || t.role === 'support_agent', {
    message: 'only support agents belong to a province desk',
    path: ['provinceCode'],
  })
  .refine((t) => (t.role === 'business') === (t.taxCode !== undefined), {
    message: 'a business representative, and only one, names the enterprise tax code',
    path: ['taxCode'],
  });
export const devTokenResponse = z.object({ token: z.string(), expiresIn: z.number().int() });
export const devJwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });
