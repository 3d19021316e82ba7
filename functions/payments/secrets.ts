/**
 * Signing secrets shared with payment providers and billers: Secrets Manager in AWS
 * (`<prefix><partner>`, a plain string), a local JSON file `{ partner: secret }` in the local cloud.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { secretsProvider } from '../core/clients.js';
import { config } from '../core/config.js';

const CACHE_SECONDS = 300;
const secret = z.string().min(32);

export async function partnerSecret(partnerId: string): Promise<string | undefined> {
  const cfg = config();
  if (cfg.PAYMENT_SECRETS_SOURCE === 'file') {
    if (!cfg.PAYMENT_SECRETS_FILE)
      throw new Error('PAYMENT_SECRETS_FILE is required when PAYMENT_SECRETS_SOURCE=file');
    const all = z
      .record(z.string(), secret)
      .parse(JSON.parse(await readFile(cfg.PAYMENT_SECRETS_FILE, 'utf8')));
    return all[partnerId];
  }
  const value = await (await secretsProvider()).get(`${cfg.PAYMENT_SECRET_PREFIX}${partnerId}`, {
    maxAge: CACHE_SECONDS,
  });
  const parsed = secret.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
