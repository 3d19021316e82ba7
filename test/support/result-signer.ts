/** A fresh result-signing key for tests: the local cloud's kind (PEM, EC P-256). */
import { generateKeyPairSync } from 'node:crypto';
import { pemSigner } from '../../functions/documents/result-signer.js';

export const testSigningKey = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();

export const testSigner = () => pemSigner(testSigningKey());
