/**
 * The local cloud's result-signing key (the KMS key's role in AWS): an EC P-256 private key, PEM, kept in
 * the data folder so signatures made in one run still verify against the keys published in the next.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function ensureResultSigningKey(file: string): Promise<string> {
  if (existsSync(file)) return readFile(file, 'utf8');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, pem, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  return pem;
}
