/** Agencies' systems prove who they are by signing each callback with their Standard Webhooks secret. */
import { findAgency } from '../catalog/agencies.js';
import { agencySecrets } from '../core/agency-secrets.js';
import type { Principal } from '../core/auth.js';
import { AppError } from '../core/errors.js';
import { AGENCY_HEADER, verifyWebhook } from '../core/webhooks.js';

/**
 * Each failure says what to fix: the header naming the agency is missing (400), it names no registered
 * agency (401), or the signature does not verify with that agency's secrets (401).
 */
export async function authenticateAgency(
  headers: Record<string, string | undefined>,
  rawBody: string,
): Promise<Principal> {
  const agencyId = headers[AGENCY_HEADER]?.trim();
  if (!agencyId) throw new AppError('AGENCY_HEADER_MISSING', { header: AGENCY_HEADER });
  const agency = findAgency(agencyId);
  if (!agency)
    throw new AppError('UNKNOWN_AGENCY', { header: AGENCY_HEADER, agencyId: agencyId.slice(0, 64) });
  const secrets = await agencySecrets(agency.id);
  if (!verifyWebhook(secrets, rawBody, headers)) throw new AppError('INVALID_SIGNATURE');
  return { kind: 'agency', agencyId: agency.id };
}
