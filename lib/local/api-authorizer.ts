/**
 * API Gateway's JWT authorizer, locally. In AWS every route whose auth mode has the authorizer
 * (`hasJwtAuthorizer`, the same answer lib/api-stack.ts wires) is refused by API Gateway unless its bearer
 * token verifies: signature against the issuer's keys, issuer, `aud` or `client_id` naming the web client,
 * expiry. The function then receives the token's claims in `requestContext.authorizer.jwt.claims`, in
 * payload format 2.0's shape, and trusts them (functions/core/auth.ts). The local gateway does the same
 * against the local issuer's keys, so the functions run locally exactly as they run in AWS.
 */
import { createLocalJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import type { DevAuth } from './dev-auth.js';

export { hasJwtAuthorizer } from '../../functions/core/route-access.js';

/**
 * The claims as API Gateway hands them to a function in payload format 2.0: each value a string, an array
 * as its items between brackets separated by spaces (`["citizen","x"]` → `"[citizen x]"`), a number or a
 * boolean as its text.
 */
export function gatewayClaims(payload: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    out[name] = Array.isArray(value)
      ? `[${value.map(String).join(' ')}]`
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  }
  return out;
}

export interface LocalAuthorizer {
  /** The claims of a valid bearer token, or undefined (API Gateway's 401). */
  authorize(authorization: string | undefined): Promise<Record<string, string> | undefined>;
}

/** The authorizer of the local issuer: its keys, its issuer URL, its web client as the audience. */
export function localAuthorizer(dev: DevAuth): LocalAuthorizer {
  const keys = createLocalJWKSet(dev.jwks());
  return {
    async authorize(authorization) {
      const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
      if (!token) return undefined;
      try {
        const { payload } = await jwtVerify(token, keys, { issuer: dev.issuer });
        const audiences = Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [];
        if (!audiences.includes(dev.audience) && payload.client_id !== dev.audience) return undefined;
        return gatewayClaims(payload);
      } catch (err) {
        if (err instanceof errors.JOSEError) return undefined;
        throw err;
      }
    },
  };
}
