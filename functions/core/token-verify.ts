/**
 * A bearer token verified against its issuer's JWKS (signature, issuer, expiry), for the requests that
 * reach a function without API Gateway's authorizer claims (functions/core/auth.ts). Loaded on first use:
 * jose and Node's fetch, which reads the keys, cost a cold start that most requests never need.
 */
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';

let jwks: { url: string; set: ReturnType<typeof createRemoteJWKSet> } | undefined;

/** The token's claims, or undefined when it does not verify. */
export async function verifyToken(
  token: string,
  o: { jwksUrl: string; issuer: string },
): Promise<JWTPayload | undefined> {
  if (jwks?.url !== o.jwksUrl)
    jwks = { url: o.jwksUrl, set: createRemoteJWKSet(new URL(o.jwksUrl), { cacheMaxAge: 10 * 60_000 }) };
  try {
    return (await jwtVerify(token, jwks.set, { issuer: o.issuer })).payload;
  } catch (err) {
    if (err instanceof errors.JOSEError) return undefined;
    throw err;
  }
}
