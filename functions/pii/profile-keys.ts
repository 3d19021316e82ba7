/**
 * The keys that seal citizens' personal data (profiles, sealed form fields, support callers), read once
 * per cold start by every function that seals or opens it.
 */
import { secretsProvider } from '../core/clients.js';
import { config } from '../core/config.js';
import { deriveProfileKeys, type ProfileKeys } from './protect.js';

let profileKeys: { source: string; keys: Promise<ProfileKeys> } | undefined;

/**
 * Read once per cold start: from PROFILE_DATA_KEY (local cloud) or the Secrets Manager secret named by
 * PROFILE_KEY_SECRET (AWS). A failed read is not kept, so the next request tries again; a changed
 * setting (the local cloud restarted on another data folder) is read afresh.
 */
export function loadProfileKeys(): Promise<ProfileKeys> {
  const cfg = config();
  const source = cfg.PROFILE_DATA_KEY ?? cfg.PROFILE_KEY_SECRET;
  if (!source) return Promise.reject(new Error('PROFILE_DATA_KEY or PROFILE_KEY_SECRET is required'));
  if (profileKeys?.source === source) return profileKeys.keys;
  const loading = (async () => {
    if (cfg.PROFILE_DATA_KEY) return deriveProfileKeys(Buffer.from(cfg.PROFILE_DATA_KEY, 'base64'));
    const value = await (await secretsProvider()).get(source, { maxAge: 3600 });
    if (typeof value !== 'string') throw new Error('the profile key secret is not a string');
    return deriveProfileKeys(Buffer.from(value, 'utf8'));
  })();
  profileKeys = { source, keys: loading };
  loading.catch(() => {
    if (profileKeys?.keys === loading) profileKeys = undefined;
  });
  return loading;
}
