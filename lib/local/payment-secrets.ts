/**
 * Payment partners' signing secrets in the local cloud (Secrets Manager's role in AWS): one JSON file
 * read by the sandboxes and, through PAYMENT_SECRETS_FILE, by the portal's handlers. Existing secrets
 * are kept across restarts; missing ones are generated.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function ensurePaymentSecrets(file: string, partners: readonly string[]) {
  let secrets: Record<string, string> = {};
  if (existsSync(file)) secrets = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
  const missing = partners.filter((p) => typeof secrets[p] !== 'string' || secrets[p]!.length < 32);
  if (missing.length || !existsSync(file)) {
    for (const p of missing) secrets[p] = randomBytes(32).toString('hex');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(`${file}.tmp`, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }
  return secrets;
}
