/**
 * Standard Webhooks secrets, one set per integration channel: the endpoint behind a channel (a
 * province's one-stop system, a ministry's system, a utility) signs for every agency it serves. A set
 * is a JSON array of the active secrets (the first signs, any verifies, so rotation never drops a
 * delivery). Secrets Manager in AWS, a local file in the local cloud.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { findAgency } from '../registry/agencies.js';
import { secretsProvider } from './clients.js';
import { config } from './config.js';

const secretList = z.array(z.string().startsWith('whsec_')).min(1);
const CACHE_SECONDS = 300;

export async function agencySecrets(agencyId: string): Promise<string[]> {
  const channel = findAgency(agencyId)?.channel;
  if (!channel) return [];
  const cfg = config();
  if (cfg.AGENCY_SECRETS_SOURCE === 'file') {
    if (!cfg.AGENCY_SECRETS_FILE)
      throw new Error('AGENCY_SECRETS_FILE is required when AGENCY_SECRETS_SOURCE=file');
    // Read on every call: the local file is small and an operator may rotate it while the portal runs.
    const all = z
      .record(z.string(), secretList)
      .parse(JSON.parse(await readFile(cfg.AGENCY_SECRETS_FILE, 'utf8')));
    return all[channel] ?? [];
  }
  const value = await (await secretsProvider()).get(`${cfg.AGENCY_SECRET_PREFIX}${channel}`, {
    maxAge: CACHE_SECONDS,
    transform: 'json',
  });
  return secretList.parse(value);
}
