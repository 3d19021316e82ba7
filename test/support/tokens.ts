/** A throwaway OIDC issuer for unit tests: a key pair and a JWKS endpoint on loopback. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export interface TestIssuer {
  issuer: string;
  audience: string;
  jwksUrl: string;
  token(
    sub: string,
    role?: string,
    opts?: { audience?: string; expiresIn?: string; claims?: Record<string, unknown> },
  ): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}/issuer`;
  const audience = 'cong-test';
  return {
    issuer,
    audience,
    jwksUrl: `${base}/jwks.json`,
    token: (sub, role = 'citizen', opts = {}) =>
      // A business representative always names an enterprise; tests pick another with opts.claims.
      new SignJWT({ role, ...(role === 'business' ? { taxCode: '0101234567' } : {}), ...opts.claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
        .setSubject(sub)
        .setIssuer(issuer)
        .setAudience(opts.audience ?? audience)
        .setIssuedAt()
        .setExpirationTime(opts.expiresIn ?? '10m')
        .sign(privateKey),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The environment every handler's config needs, pointed at the test issuer. */
export function testEnv(issuer: TestIssuer, extra: Record<string, string> = {}) {
  Object.assign(process.env, {
    AWS_REGION: 'ap-southeast-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    TABLE_NAME: 'cong-test',
    UPLOADS_BUCKET: 'cong-test-uploads',
    JWT_ISSUER: issuer.issuer,
    JWT_AUDIENCE: issuer.audience,
    JWT_JWKS_URL: issuer.jwksUrl,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    ...extra,
  });
}
