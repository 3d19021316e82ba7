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
export type Principal =
  /** An agency officer's token also names the agency they work for (claim `agencyId`). */
  { kind: 'person'; sub: string; role: PersonRole; agencyId?: string } | { kind: 'agency'; agencyId: string };

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
    const agencyId =
      role === 'agency_officer' && typeof payload.agencyId === 'string' ? payload.agencyId : '';
    return { kind: 'person', sub: payload.sub, role, ...(agencyId ? { agencyId } : {}) };
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof joseErrors.JOSEError) throw new AppError('UNAUTHENTICATED');
    throw err;
  }
}
