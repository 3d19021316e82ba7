/**
 * Each integration channel's webhook signing secrets in the local cloud (Secrets Manager's role in AWS):
 * one JSON file, channel → secrets, read by the agency simulator and, through AGENCY_SECRETS_FILE, by the
 * portal's handlers. Channels added to the registry get a secret on the next start; existing secrets are
 * never replaced.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { newWebhookSecret } from '../../functions/core/webhooks.js';

export type AgencySecrets = Record<string, string[]>;

export async function ensureAgencySecrets(
  file: string,
  channelIds: readonly string[],
): Promise<AgencySecrets> {
  let secrets: AgencySecrets = {};
  if (existsSync(file)) {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`${file} must map channels to lists of secrets`);
    }
    secrets = Object.fromEntries(
      Object.entries(parsed).filter(
        ([, v]) =>
          Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s.startsWith('whsec_')),
      ),
    ) as AgencySecrets;
  }
  const missing = channelIds.filter((id) => !secrets[id]);
  if (missing.length || !existsSync(file)) {
    for (const id of missing) secrets[id] = [newWebhookSecret()];
    await mkdir(dirname(file), { recursive: true });
    await writeFile(`${file}.tmp`, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }
  return secrets;
}
