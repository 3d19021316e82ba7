/**
 * Agencies reporting back to the portal: events signed as Standard Webhooks with the agency's channel
 * secret (from the portal's AGENCY_SECRETS_FILE) and named by AGENCY_HEADER.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AGENCY_HEADER, signWebhook } from '../../functions/core/webhooks.js';
import { findAgency } from '../../functions/registry/agencies.js';
import type { Json } from './portal-api.js';

/** Each channel's active secrets, as the portal reads them. */
export type AgencySecrets = Record<string, string[]>;

/** The secrets of a running portal's agency channels. */
export async function readAgencySecrets(portal: { env: Readonly<Record<string, string>> }) {
  return JSON.parse(await readFile(portal.env.AGENCY_SECRETS_FILE!, 'utf8')) as AgencySecrets;
}

/** The first active secret of `agencyId`'s channel. */
export const channelSecret = (secrets: AgencySecrets, agencyId: string) =>
  secrets[findAgency(agencyId)!.channel]![0]!;

/** The headers of a request `agencyId` signs over the raw `body` with `secret`. */
export const agencyHeaders = (
  agencyId: string,
  secret: string,
  body: string,
  webhookId = `msg_${randomUUID()}`,
): Record<string, string> => ({
  'content-type': 'application/json',
  [AGENCY_HEADER]: agencyId,
  ...signWebhook(secret, webhookId, body),
});

/**
 * POSTs `event` to `path` as `agencyId`, signed with its channel's secret; the event's eventId is
 * its own, else `eventId`, else a fresh one. Returns the status and the answer (parsed when JSON).
 */
export async function signedAgencyCall(
  portal: { url: string },
  secrets: AgencySecrets,
  path: string,
  agencyId: string,
  event: Json,
  eventId = `evt-${randomUUID()}`,
) {
  const body = JSON.stringify({ eventId, ...event });
  const res = await fetch(`${portal.url}${path}`, {
    method: 'POST',
    headers: agencyHeaders(agencyId, channelSecret(secrets, agencyId), body),
    body,
  });
  const text = await res.text();
  let parsed: Json;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, text, body: parsed as Json };
}

/** GETs `path` (with its query) as `agencyId`, signed over `GET {path}` with its channel's secret. */
export async function signedAgencyGet(
  portal: { url: string },
  secrets: AgencySecrets,
  path: string,
  agencyId: string,
) {
  const headers = {
    [AGENCY_HEADER]: agencyId,
    ...signWebhook(channelSecret(secrets, agencyId), `req_${randomUUID()}`, `GET ${path}`),
  };
  const res = await fetch(`${portal.url}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as Json };
}
