/**
 * Who is calling. People present an OIDC bearer token (the local dev issuer or Cognito federated to
 * VNeID — verified the same way against the issuer's JWKS); agencies' systems sign each request with
 * their Standard Webhooks secret (functions/agencies/verify.ts).
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { type PersonRole, personRole } from '../../schemas/common.js';
import { config } from './config.js';
import { AppError } from './errors.js';

export type { PersonRole };
/**
 * A signed-in person. Claims beyond the role say whom they act for: an agency officer and a one-stop desk
 * officer name the agency they work at (`agencyId`, Cognito `custom:agency_id`); a business representative
 * names the enterprise by its tax code (`taxCode`, Cognito `custom:tax_code`). `citizenId` is the citizen
 * ID (CCCD) the identity provider verified (VNeID, through Cognito's pre-token trigger): the only source a
 * profile's citizen ID is ever taken from. Never log a Person whole.
 */
export interface Person {
  kind: 'person';
  sub: string;
  role: PersonRole;
  agencyId?: string;
  taxCode?: string;
  citizenId?: string;
  /** A support agent of one province's desk (`provinceCode`, Cognito `custom:province_code`); none: national. */
  provinceCode?: string;
  /** The name the identity provider vouches for (claim `name`); only to prefill the person's own forms. */
  name?: string;
}
/** An agency's system (signature), or on an agency's own routes one of its officers acting for it. */
export type Principal = Person | { kind: 'agency'; agencyId: string; via?: 'signature' | 'officer' };

/** Enterprise tax codes (mã số thuế): 10 digits, or 13 with a branch suffix. */
export const TAX_CODE = /^\d{10}(-\d{3})?$/;
/** Citizen ID numbers (CCCD, số định danh cá nhân): 12 digits. */
const CITIZEN_ID = /^\d{12}$/;

const stringClaim = (payload: Record<string, unknown>, ...names: string[]) => {
  for (const n of names) if (typeof payload[n] === 'string' && payload[n]) return payload[n] as string;
  return '';
};

let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

export async function authenticatePerson(authorization: string | undefined): Promise<Principal> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) throw new AppError('UNAUTHENTICATED');
  const { JWT_JWKS_URL, JWT_ISSUER, JWT_AUDIENCE } = config();
  jwks ??= createRemoteJWKSet(new URL(JWT_JWKS_URL), { cacheMaxAge: 10 * 60_000 });
  try {
    const { payload } = await jwtVerify(token, jwks, { issuer: JWT_ISSUER });
    // ID tokens name the client in `aud`; Cognito access tokens carry `client_id` and no `aud`.
    const audiences = Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [];
    if (!audiences.includes(JWT_AUDIENCE) && payload.client_id !== JWT_AUDIENCE)
      throw new AppError('UNAUTHENTICATED');
    const groups = payload['cognito:groups'];
    const claimed =
      typeof payload.role === 'string' ? payload.role : Array.isArray(groups) ? groups[0] : 'citizen';
    if (!payload.sub || typeof claimed !== 'string' || !personRole.safeParse(claimed).success)
      throw new AppError('UNAUTHENTICATED');
    const role = claimed as PersonRole;
    const works = role === 'agency_officer' || role === 'desk_officer';
    const agencyId = works ? stringClaim(payload, 'agencyId', 'custom:agency_id') : '';
    const taxCode = role === 'business' ? stringClaim(payload, 'taxCode', 'custom:tax_code') : '';
    // A representative without a well-formed tax code acts for nobody: refuse the token outright.
    if (role === 'business' && !TAX_CODE.test(taxCode)) throw new AppError('UNAUTHENTICATED');
    // Anything but a well-formed number counts as not verified (an old 9-digit ID card, for one).
    const citizenId = stringClaim(payload, 'citizenId');
    const provinceCode =
      role === 'support_agent' ? stringClaim(payload, 'provinceCode', 'custom:province_code') : '';
    // A malformed province would silently widen nothing, but it is a misconfigured account: refuse it.
    if (provinceCode && !/^\d{2}$/.test(provinceCode)) throw new AppError('UNAUTHENTICATED');
    const name = stringClaim(payload, 'name').trim();
    return {
      kind: 'person',
      sub: payload.sub,
      role,
      ...(agencyId ? { agencyId } : {}),
      ...(taxCode ? { taxCode } : {}),
      ...(CITIZEN_ID.test(citizenId) ? { citizenId } : {}),
      ...(provinceCode ? { provinceCode } : {}),
      ...(name ? { name } : {}),
    };
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof joseErrors.JOSEError) throw new AppError('UNAUTHENTICATED');
    throw err;
  }
}
