/**
 * Signing and sending one agency callback the way an agency's system must: the raw JSON body signed as
 * a Standard Webhooks message (the event id is the webhook-id) with the channel's secret, and the agency
 * named in the cong-agency-id header. What was sent and what came back are returned for printing.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AGENCY_HEADER, signWebhook } from '../../../functions/core/webhooks.js';
import { findAgency } from '../../../functions/registry/agencies.js';
import { UsageError } from './commands.js';

export const DEFAULT_PORTAL_URL = 'http://127.0.0.1:3000';

export interface Exchange {
  request: { method: string; url: string; headers: Record<string, string>; body: string };
  response: { status: number; statusText: string; body: string };
}

/** The environment the running local portal wrote in its data folder (CONG_DATA_DIR or .local/). */
export async function localPortalEnv(env: NodeJS.ProcessEnv): Promise<{
  dataDir: string;
  values: Record<string, string> | undefined;
}> {
  const { DEFAULT_DATA_DIR, PORTAL_ENV_FILE } = await import('../portal.js');
  const dataDir = resolve(env.CONG_DATA_DIR || DEFAULT_DATA_DIR);
  try {
    const values = JSON.parse(await readFile(join(dataDir, PORTAL_ENV_FILE), 'utf8')) as Record<
      string,
      string
    >;
    return { dataDir, values };
  } catch {
    return { dataDir, values: undefined };
  }
}

/** The agency's signing secret: `--secret`, else its channel's first secret in the local portal's file. */
export async function secretFor(
  agencyId: string,
  given: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  if (given) {
    if (!given.startsWith('whsec_'))
      throw new UsageError('--secret must be a whsec_… Standard Webhooks secret');
    return given;
  }
  const agency = findAgency(agencyId);
  if (!agency)
    throw new UsageError(
      `Agency "${agencyId}" is not in the registry (GET /v1/agencies lists them); give --secret to sign as it anyway`,
    );
  const { dataDir, values } = await localPortalEnv(env);
  const file = values?.AGENCY_SECRETS_FILE ?? join(dataDir, 'agency-secrets.json');
  let secrets: Record<string, string[]>;
  try {
    secrets = JSON.parse(await readFile(file, 'utf8')) as Record<string, string[]>;
  } catch {
    throw new UsageError(
      `No local agency secrets at ${file}: the CLI signs with the secrets the running local portal keeps in ` +
        `its data folder (${dataDir}: .local/, or CONG_DATA_DIR as npm start was given it). Start the portal ` +
        '(npm start), run the CLI with the same CONG_DATA_DIR, or give --secret whsec_… to override.',
    );
  }
  const secret = secrets[agency.channel]?.[0];
  if (!secret) throw new UsageError(`${file} holds no secret for channel "${agency.channel}"; give --secret`);
  return secret;
}

/** `--portal`, else the running local portal's address, else the default port. */
export async function portalUrlFrom(given: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  const url = given ?? (await localPortalEnv(env)).values?.PORTAL_URL ?? DEFAULT_PORTAL_URL;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new UsageError(`--portal expects an http(s) URL, e.g. ${DEFAULT_PORTAL_URL}; got "${url}"`);
  }
  return url.replace(/\/+$/, '');
}

/** Signs `event` as `agencyId` and POSTs it to `portalUrl` + `path`. */
export async function sendCallback(input: {
  portalUrl: string;
  path: string;
  agencyId: string;
  secret: string;
  event: Record<string, unknown>;
  now?: Date;
}): Promise<Exchange> {
  const body = JSON.stringify(input.event);
  const headers = {
    'content-type': 'application/json',
    [AGENCY_HEADER]: input.agencyId,
    ...signWebhook(input.secret, String(input.event.eventId), body, input.now),
  };
  const url = `${input.portalUrl}${input.path}`;
  const res = await fetch(url, { method: 'POST', headers, body });
  return {
    request: { method: 'POST', url, headers, body },
    response: { status: res.status, statusText: res.statusText, body: await res.text() },
  };
}

/** JSON text indented, with long base64 (an electronic result) shortened for the terminal. */
export function readable(text: string): string {
  try {
    return JSON.stringify(
      JSON.parse(text),
      (key, value) =>
        key === 'contentBase64' && typeof value === 'string' && value.length > 60
          ? `${value.slice(0, 40)}… (${value.length} base64 characters)`
          : value,
      2,
    );
  } catch {
    return text;
  }
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

export function formatExchange({ request, response }: Exchange): string {
  return [
    `→ ${request.method} ${request.url}`,
    ...Object.entries(request.headers).map(([k, v]) => `  ${k}: ${v}`),
    '',
    indent(readable(request.body)),
    '',
    `← ${response.status} ${response.statusText}`,
    indent(readable(response.body)),
    '',
  ].join('\n');
}
