/**
 * The portal's result-signing key behind one interface: in AWS an asymmetric KMS key (ECC_NIST_P256,
 * ECDSA_SHA_256; the private key never leaves KMS, and only the agency-events function may kms:Sign), in
 * the local cloud a P-256 key the local portal generates once into its data folder.
 */
import { createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { JWK } from 'jose';
import { config } from '../core/config.js';
import { traced } from '../core/tracing.js';
import type { PublicJwk, ResultSigner } from './result-record.js';

const publicJwk = async (key: KeyObject): Promise<PublicJwk> => {
  const jwk = key.export({ format: 'jwk' }) as JWK;
  // jose and the KMS client load when a result is first signed or its key published: most agency
  // events sign nothing, and their cold start need not compile either.
  const { calculateJwkThumbprint } = await import('jose');
  const kid = await calculateJwkThumbprint(jwk);
  // Both keys are P-256 (checked above; KMS's is ECC_NIST_P256): elliptic-curve keys.
  return { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' };
};

/** A signer over a PEM private key (PKCS #8, P-256): the local cloud's, and tests'. */
export function pemSigner(pem: string): ResultSigner {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new Error('the result-signing key must be an EC P-256 key');
  const jwk = publicJwk(createPublicKey(privateKey));
  return {
    keyId: async () => (await jwk).kid!,
    sign: async (data) => sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
    jwks: async () => ({ keys: [await jwk] }),
  };
}

/** KMS answers ECDSA signatures in DER (SEQUENCE of two INTEGERs); JWS wants r ‖ s, 32 bytes each. */
export function derToJose(der: Uint8Array): Buffer {
  const buf = Buffer.from(der);
  let at = 2;
  if (buf[0] !== 0x30) throw new Error('not a DER ECDSA signature');
  if (buf[1]! & 0x80) at = 2 + (buf[1]! & 0x7f);
  const part = () => {
    if (buf[at] !== 0x02) throw new Error('not a DER ECDSA signature');
    const len = buf[at + 1]!;
    let value = buf.subarray(at + 2, at + 2 + len);
    at += 2 + len;
    while (value.length > 32 && value[0] === 0) value = value.subarray(1);
    if (value.length > 32) throw new Error('not a P-256 signature');
    return Buffer.concat([Buffer.alloc(32 - value.length), value]);
  };
  const r = part();
  const s = part();
  return Buffer.concat([r, s]);
}

/** A signer over an asymmetric KMS key (the public key is read once per cold start). */
export function kmsSigner(keyId: string, client?: KMSClient): ResultSigner {
  // The SDK client is loaded on the first signature or key read, not when the signer is made.
  let loaded: Promise<{ sdk: typeof import('@aws-sdk/client-kms'); client: KMSClient }> | undefined;
  const kms = () => {
    loaded ??= import('@aws-sdk/client-kms').then((sdk) => ({
      sdk,
      client: client ?? traced(new sdk.KMSClient({})),
    }));
    return loaded;
  };
  let jwk: Promise<PublicJwk> | undefined;
  const current = () => {
    jwk ??= kms()
      .then(({ sdk, client }) => client.send(new sdk.GetPublicKeyCommand({ KeyId: keyId })))
      .then((out) => {
        if (!out.PublicKey) throw new Error('KMS returned no public key');
        return publicJwk(createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' }));
      });
    jwk.catch(() => {
      jwk = undefined;
    });
    return jwk;
  };
  return {
    keyId: async () => (await current()).kid!,
    async sign(data) {
      const { sdk, client } = await kms();
      const out = await client.send(
        new sdk.SignCommand({
          KeyId: keyId,
          Message: data,
          MessageType: 'RAW',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      );
      if (!out.Signature) throw new Error('KMS returned no signature');
      return derToJose(out.Signature);
    },
    jwks: async () => ({ keys: [await current()] }),
  };
}

let cached: { source: string; signer: ResultSigner } | undefined;

/** The configured signer: RESULT_SIGNING_KEY (local, PEM) or RESULT_SIGNING_KEY_ID (AWS, a KMS key). */
export function resultSigner(): ResultSigner {
  const { RESULT_SIGNING_KEY: pem, RESULT_SIGNING_KEY_ID: kmsKey } = config();
  const source = pem ?? kmsKey;
  if (!source) throw new Error('RESULT_SIGNING_KEY or RESULT_SIGNING_KEY_ID is required');
  if (cached?.source !== source) cached = { source, signer: pem ? pemSigner(pem) : kmsSigner(source) };
  return cached.signer;
}
