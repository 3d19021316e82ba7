/**
 * The sign-in issuer of the simulation: a JWKS endpoint on loopback and Ed25519 tokens. The handlers
 * verify every token against it exactly as in production (jose, remote JWKS); Ed25519 only keeps the
 * signing and verifying of a hundred thousand tokens cheap on a small machine.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { TestIssuer } from '../support/tokens.js';

export async function startIssuer(): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'scale-key', alg: 'EdDSA', use: 'sig' };
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}/issuer`;
  const audience = 'cong-scale';
  return {
    issuer,
    audience,
    jwksUrl: `${base}/jwks.json`,
    token: (sub, role = 'citizen', opts = {}) =>
      new SignJWT({ role, ...opts.claims })
        .setProtectedHeader({ alg: 'EdDSA', kid: 'scale-key' })
        .setSubject(sub)
        .setIssuer(issuer)
        .setAudience(opts.audience ?? audience)
        .setIssuedAt()
        .setExpirationTime(opts.expiresIn ?? '2h')
        .sign(privateKey),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
