/**
 * Test sign-in for the local portal (stands in for Cognito federated to VNeID): ES256 tokens from a key
 * pair kept in the data folder, so tokens and cached key sets stay valid across restarts.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import type { z } from 'zod';
import type { devTokenRequest } from '../../schemas/dev.js';

export const DEV_TOKEN_TTL_SECONDS = 3600;
const ALG = 'ES256';

export type DevTokenInput = z.output<typeof devTokenRequest>;

export interface DevAuth {
  readonly issuer: string;
  readonly audience: string;
  readonly kid: string;
  /** `expiresInSeconds` overrides the lifetime (tests: a negative one gives an expired token). */
  issueToken(
    input: DevTokenInput,
    options?: { expiresInSeconds?: number },
  ): Promise<{ token: string; expiresIn: number }>;
  /** Any token of this issuer (the OIDC issuer's access and ID tokens), signed with the same key. */
  sign(claims: Record<string, unknown>, o: { sub: string; ttlSeconds: number }): Promise<string>;
  jwks(): { keys: JWK[] };
}

interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

async function createKey(): Promise<StoredKey> {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, privateJwk: await exportJWK(privateKey), publicJwk };
}

async function loadOrCreateKey(keyFile: string | undefined): Promise<StoredKey> {
  if (keyFile && existsSync(keyFile)) {
    try {
      const stored = JSON.parse(await readFile(keyFile, 'utf8')) as StoredKey;
      if (stored.kid && stored.privateJwk?.d && stored.publicJwk?.x) return stored;
    } catch {
      // An unreadable key is replaced; tokens it signed simply stop verifying.
    }
  }
  const key = await createKey();
  if (keyFile) {
    await mkdir(dirname(keyFile), { recursive: true });
    const tmp = `${keyFile}.tmp`;
    await writeFile(tmp, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, keyFile);
  }
  return key;
}

/** `keyFile` undefined keeps the key in memory only (ephemeral portals). */
export async function createDevAuth(options: {
  issuer: string;
  audience: string;
  keyFile?: string;
}): Promise<DevAuth> {
  const key = await loadOrCreateKey(options.keyFile);
  const privateKey = await importJWK(key.privateJwk, ALG);
  const publicJwk: JWK = { ...key.publicJwk, kid: key.kid, alg: ALG, use: 'sig' };
  return {
    issuer: options.issuer,
    audience: options.audience,
    kid: key.kid,
    async issueToken(input, lifetime = {}) {
      const ttl = lifetime.expiresInSeconds ?? DEV_TOKEN_TTL_SECONDS;
      const token = await new SignJWT({
        role: input.role,
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.agencyId === undefined ? {} : { agencyId: input.agencyId }),
        ...(input.taxCode === undefined ? {} : { taxCode: input.taxCode }),
        ...(input.citizenId === undefined ? {} : { citizenId: input.citizenId }),
        ...(input.provinceCode === undefined ? {} : { provinceCode: input.provinceCode }),
      })
        .setProtectedHeader({ alg: ALG, kid: key.kid, typ: 'JWT' })
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setSubject(input.sub)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttl)
        .sign(privateKey);
      return { token, expiresIn: ttl };
    },
    sign: (claims, o) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: ALG, kid: key.kid, typ: 'JWT' })
        .setIssuer(options.issuer)
        .setSubject(o.sub)
        .setIssuedAt()
        .setExpirationTime(`${o.ttlSeconds}s`)
        .sign(privateKey),
    jwks: () => ({ keys: [publicJwk] }),
  };
}
